import type { LegacyExample } from "../types.js";

/** Legacy rule examples, part 1 of 5 (see examples.ts), from "aws-access-key-id" on. */
export const legacyExamples1: Record<string, LegacyExample> = {
  "aws-access-key-id": {
    provider: "Amazon Web Services",
    tps: ['  "value": "AKIA{B32:16}",', "token: AKIA{B32:16}"],
    fps: [
      '  "value": "AKIAIOSFODNN7EXAMPLE",',
      '  "value": "AKIA1234",',
      '  "value": "AKIAxxxxxxxxxxxxxxxx",',
      '  "value": "AKIAEXAMPLEEXAMPLEEX",',
    ],
  },
  "aws-secret-access-key": {
    provider: "Amazon Web Services",
    tps: ["aws_secret_access_key = {B64:40}", "# settings\naws_secret_access_key = {B64:40}\n"],
    fps: [
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "aws_secret_access_key = ${AWS_SECRET}",
      "aws_secret_access_key = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "aws_secret_access_key = EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",
    ],
  },
  "aws-session-token": {
    provider: "Amazon Web Services",
    tps: ["aws_session_token = {B64:300}", "# settings\naws_session_token = {B64:300}\n"],
    fps: [
      "aws_session_token = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "aws_session_token = EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",
    ],
  },
  "aws-mws-key": {
    provider: "Amazon Web Services",
    tps: [
      '  "value": "amzn.mws.{HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}",',
      "token: amzn.mws.{HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}",
    ],
    fps: [
      '  "value": "amzn.mws.xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",',
      '  "value": "amzn.mws.EXAMPLEE-EXAM-EXAM-EXAM-EXAMPLEEXAMP",',
    ],
  },
  "gcp-api-key": {
    provider: "Google Cloud",
    tps: ['  "value": "AIza{URL:35}",', "token: AIza{URL:35}"],
    fps: [
      '  "value": "AIzaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "AIzaEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE",',
    ],
  },
  "gcp-service-account-key": {
    provider: "Google Cloud",
    tps: ['"private_key_id": "{HEX:40}",', '# settings\n"private_key_id": "{HEX:40}",\n'],
    fps: [
      '"private_key_id": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '"private_key_id": "EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
  "gcp-oauth-client-secret": {
    provider: "Google Cloud",
    tps: ['  "value": "GOCSPX-{URL:28}",', "token: GOCSPX-{URL:28}"],
    fps: [
      '  "value": "GOCSPX-xxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "GOCSPX-EXAMPLEEXAMPLEEXAMPLEEXAMPLE",',
    ],
  },
  "google-oauth-access-token": {
    provider: "Google Cloud",
    tps: ['  "value": "ya29.{URL:120}",', "token: ya29.{URL:120}"],
    fps: [
      '  "value": "ya29.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "ya29.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "google-oauth-refresh-token": {
    provider: "Google Cloud",
    tps: ['  "value": "1//0{URL:100}",', "token: 1//0{URL:100}"],
    fps: [
      '  "value": "1//0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "1//0EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX",',
    ],
  },
  "azure-storage-connection-string": {
    provider: "Microsoft Azure",
    tps: [
      "DefaultEndpointsProtocol=https;AccountName=prodstore{LOWD:4};AccountKey={B64:86}==;EndpointSuffix=core.windows.net",
      "# settings\nDefaultEndpointsProtocol=https;AccountName=prodstore{LOWD:4};AccountKey={B64:86}==;EndpointSuffix=core.windows.net\n",
    ],
    fps: [
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
      "DefaultEndpointsProtocol=https;AccountName=prodstorexxxx;AccountKey=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==;EndpointSuffix=core.windows.net",
      "DefaultEndpointsProtocol=https;AccountName=prodstoreEXAM;AccountKey=EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX==;EndpointSuffix=core.windows.net",
    ],
  },
  "azure-cosmosdb-connection-string": {
    provider: "Microsoft Azure",
    tps: [
      "AccountEndpoint=https://app{LOWD:6}.documents.azure.com:443/;AccountKey={B64:86}==;",
      "# settings\nAccountEndpoint=https://app{LOWD:6}.documents.azure.com:443/;AccountKey={B64:86}==;\n",
    ],
    fps: [
      "AccountEndpoint=https://appxxxxxx.documents.azure.com:443/;AccountKey=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==;",
      "AccountEndpoint=https://appEXAMPL.documents.azure.com:443/;AccountKey=EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX==;",
    ],
  },
  "azure-storage-account-key": {
    provider: "Microsoft Azure",
    tps: ["AZURE_STORAGE_KEY={B64:86}==", "# settings\nAZURE_STORAGE_KEY={B64:86}==\n"],
    fps: [
      "AZURE_STORAGE_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==",
      "AZURE_STORAGE_KEY=EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX==",
    ],
  },
  "azure-sas-token": {
    provider: "Microsoft Azure",
    tps: [
      "https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01T00:00:00Z&sig={A62:30}%2B{A62:12}%3D",
      "# settings\nhttps://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01T00:00:00Z&sig={A62:30}%2B{A62:12}%3D\n",
    ],
    fps: [
      "https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01T00:00:00Z&sig=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx%2Bxxxxxxxxxxxx%3D",
      "https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01T00:00:00Z&sig=EXAMPLEEXAMPLEEXAMPLEEXAMPLEEX%2BEXAMPLEEXAMP%3D",
    ],
  },
  "azure-service-bus-connection-string": {
    provider: "Microsoft Azure",
    tps: [
      "Endpoint=sb://ns{LOWD:6}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={B64:43}=",
      "# settings\nEndpoint=sb://ns{LOWD:6}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={B64:43}=\n",
    ],
    fps: [
      "Endpoint=sb://nsxxxxxx.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=",
      "Endpoint=sb://nsEXAMPL.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE=",
    ],
  },
  "azure-ad-client-secret": {
    provider: "Microsoft Azure",
    tps: ['  "value": "{A62:3}{D:1}Q~{A62:34}",', "token: {A62:3}{D:1}Q~{A62:34}"],
    fps: [
      '  "value": "xxxxQ~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "EXAEQ~EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
  "digitalocean-pat": {
    provider: "DigitalOcean",
    tps: ['  "value": "dop_v1_{HEX:64}",', "token: dop_v1_{HEX:64}"],
    fps: [
      '  "value": "dop_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "dop_v1_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "digitalocean-oauth-token": {
    provider: "DigitalOcean",
    tps: ['  "value": "doo_v1_{HEX:64}",', "token: doo_v1_{HEX:64}"],
    fps: [
      '  "value": "doo_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "doo_v1_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "digitalocean-refresh-token": {
    provider: "DigitalOcean",
    tps: ['  "value": "dor_v1_{HEX:64}",', "token: dor_v1_{HEX:64}"],
    fps: [
      '  "value": "dor_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "dor_v1_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "alibaba-access-key-id": {
    provider: "Alibaba Cloud",
    tps: ['  "value": "LTAI{A62:20}",', "token: LTAI{A62:20}"],
    fps: ['  "value": "LTAIxxxxxxxxxxxxxxxxxxxx",', '  "value": "LTAIEXAMPLEEXAMPLEEXAMPL",'],
  },
  "alibaba-access-key-secret": {
    provider: "Alibaba Cloud",
    tps: [
      "ALIBABA_CLOUD_ACCESS_KEY_SECRET={A62:30}",
      "# settings\nALIBABA_CLOUD_ACCESS_KEY_SECRET={A62:30}\n",
    ],
    fps: [
      "ALIBABA_CLOUD_ACCESS_KEY_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "ALIBABA_CLOUD_ACCESS_KEY_SECRET=EXAMPLEEXAMPLEEXAMPLEEXAMPLEEX",
    ],
  },
  "heroku-api-key": {
    provider: "Heroku",
    tps: [
      "HEROKU_API_KEY={HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}",
      "# settings\nHEROKU_API_KEY={HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}\n",
    ],
    fps: [
      "HEROKU_API_KEY=xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
      "HEROKU_API_KEY=EXAMPLEE-EXAM-EXAM-EXAM-EXAMPLEEXAMP",
    ],
  },
  "heroku-api-key-v2": {
    provider: "Heroku",
    tps: ['  "value": "HRKU-{URL:60}",', "token: HRKU-{URL:60}"],
    fps: [
      '  "value": "HRKU-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "HRKU-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "cloudflare-origin-ca-key": {
    provider: "Cloudflare",
    tps: ['  "value": "v1.0-{HEX:24}-{HEX:146}",', "token: v1.0-{HEX:24}-{HEX:146}"],
    fps: [
      '  "value": "v1.0-xxxxxxxxxxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "v1.0-EXAMPLEEXAMPLEEXAMPLEEXA-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
  "cloudflare-api-token": {
    provider: "Cloudflare",
    tps: ["CLOUDFLARE_API_TOKEN={URL:40}", "# settings\nCLOUDFLARE_API_TOKEN={URL:40}\n"],
    fps: [
      "CLOUDFLARE_API_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "CLOUDFLARE_API_TOKEN=EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",
    ],
  },
  "ibm-cloud-api-key": {
    provider: "IBM Cloud",
    tps: ["IBMCLOUD_API_KEY={URL:44}", "# settings\nIBMCLOUD_API_KEY={URL:44}\n"],
    fps: [
      "IBMCLOUD_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "IBMCLOUD_API_KEY=EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX",
    ],
  },
  "github-pat": {
    provider: "GitHub",
    tps: ['  "value": "ghp_{A62:36}",', "token: ghp_{A62:36}"],
    fps: [
      '  "value": "ghp_{A62:35}",',
      '  "value": "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "ghp_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "github-oauth-token": {
    provider: "GitHub",
    tps: ['  "value": "gho_{A62:36}",', "token: gho_{A62:36}"],
    fps: [
      '  "value": "gho_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "gho_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "github-user-to-server-token": {
    provider: "GitHub",
    tps: ['  "value": "ghu_{A62:36}",', "token: ghu_{A62:36}"],
    fps: [
      '  "value": "ghu_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "ghu_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "github-server-to-server-token": {
    provider: "GitHub",
    tps: ['  "value": "ghs_{A62:36}",', "token: ghs_{A62:36}"],
    fps: [
      '  "value": "ghs_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "ghs_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "github-refresh-token": {
    provider: "GitHub",
    tps: ['  "value": "ghr_{A62:76}",', "token: ghr_{A62:76}"],
    fps: [
      '  "value": "ghr_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "ghr_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
  "github-fine-grained-pat": {
    provider: "GitHub",
    tps: ['  "value": "github_pat_{A62:22}_{A62:59}",', "token: github_pat_{A62:22}_{A62:59}"],
    fps: [
      '  "value": "github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "github_pat_EXAMPLEEXAMPLEEXAMPLEE_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXA",',
    ],
  },
  "gitlab-pat": {
    provider: "GitLab",
    tps: ['  "value": "glpat-{URL:20}",', "token: glpat-{URL:20}"],
    fps: ['  "value": "glpat-xxxxxxxxxxxxxxxxxxxx",', '  "value": "glpat-EXAMPLEEXAMPLEEXAMPL",'],
  },
  "gitlab-pipeline-trigger-token": {
    provider: "GitLab",
    tps: ['  "value": "glptt-{HEX:40}",', "token: glptt-{HEX:40}"],
    fps: [
      '  "value": "glptt-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "glptt-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
};
