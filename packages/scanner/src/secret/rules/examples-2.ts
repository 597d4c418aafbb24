import type { LegacyExample } from "../types.js";

/** Legacy rule examples, part 2 of 5 (see examples.ts), from "gitlab-runner-registration-token" on. */
export const legacyExamples2: Record<string, LegacyExample> = {
  "gitlab-runner-registration-token": {
    provider: "GitLab",
    tps: ['  "value": "GR1348941{URL:20}",', "token: GR1348941{URL:20}"],
    fps: ['  "value": "GR1348941xxxxxxxxxxxxxxxxxxxx",', '  "value": "GR1348941EXAMPLEEXAMPLEEXAMPL",'],
  },
  "gitlab-runner-auth-token": {
    provider: "GitLab",
    tps: ['  "value": "glrt-{URL:20}",', "token: glrt-{URL:20}"],
    fps: ['  "value": "glrt-xxxxxxxxxxxxxxxxxxxx",', '  "value": "glrt-EXAMPLEEXAMPLEEXAMPL",'],
  },
  "gitlab-deploy-token": {
    provider: "GitLab",
    tps: ['  "value": "gldt-{URL:20}",', "token: gldt-{URL:20}"],
    fps: ['  "value": "gldt-xxxxxxxxxxxxxxxxxxxx",', '  "value": "gldt-EXAMPLEEXAMPLEEXAMPL",'],
  },
  "gitlab-feed-token": {
    provider: "GitLab",
    tps: ['  "value": "glft-{URL:20}",', "token: glft-{URL:20}"],
    fps: ['  "value": "glft-xxxxxxxxxxxxxxxxxxxx",', '  "value": "glft-EXAMPLEEXAMPLEEXAMPL",'],
  },
  "gitlab-oauth-app-secret": {
    provider: "GitLab",
    tps: ['  "value": "gloas-{HEX:64}",', "token: gloas-{HEX:64}"],
    fps: [
      '  "value": "gloas-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "gloas-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "gitlab-scim-token": {
    provider: "GitLab",
    tps: ['  "value": "glsoat-{URL:20}",', "token: glsoat-{URL:20}"],
    fps: ['  "value": "glsoat-xxxxxxxxxxxxxxxxxxxx",', '  "value": "glsoat-EXAMPLEEXAMPLEEXAMPL",'],
  },
  "gitlab-ci-job-token": {
    provider: "GitLab",
    tps: ['  "value": "glcbt-{URL:25}",', "token: glcbt-{URL:25}"],
    fps: ['  "value": "glcbt-xxxxxxxxxxxxxxxxxxxxxxxxx",', '  "value": "glcbt-EXAMPLEEXAMPLEEXAMPLEEXAM",'],
  },
  "gitlab-incoming-mail-token": {
    provider: "GitLab",
    tps: ['  "value": "glimt-{URL:25}",', "token: glimt-{URL:25}"],
    fps: ['  "value": "glimt-xxxxxxxxxxxxxxxxxxxxxxxxx",', '  "value": "glimt-EXAMPLEEXAMPLEEXAMPLEEXAM",'],
  },
  "gitlab-agent-token": {
    provider: "GitLab",
    tps: ['  "value": "glagent-{URL:50}",', "token: glagent-{URL:50}"],
    fps: [
      '  "value": "glagent-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "glagent-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "bitbucket-app-password": {
    provider: "Bitbucket",
    tps: ['  "value": "ATBB{A62:32}",', "token: ATBB{A62:32}"],
    fps: [
      '  "value": "ATBBxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "ATBBEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "atlassian-api-token": {
    provider: "Atlassian",
    tps: ['  "value": "ATATT3{URL:186}",', "token: ATATT3{URL:186}"],
    fps: [
      '  "value": "ATATT3xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "ATATT3EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "bitbucket-access-token": {
    provider: "Bitbucket",
    tps: ['  "value": "ATCTT3{URL:186}",', "token: ATCTT3{URL:186}"],
    fps: [
      '  "value": "ATCTT3xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "ATCTT3EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "bitbucket-client-secret": {
    provider: "Bitbucket",
    tps: ["BITBUCKET_CLIENT_SECRET={URL:40}", "# settings\nBITBUCKET_CLIENT_SECRET={URL:40}\n"],
    fps: [
      "BITBUCKET_CLIENT_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "BITBUCKET_CLIENT_SECRET=EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",
    ],
  },
  "npm-access-token": {
    provider: "npm",
    tps: ['  "value": "npm_{A62:36}",', "token: npm_{A62:36}"],
    fps: [
      '  "value": "npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "npm_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "npmrc-auth-token": {
    provider: "npm",
    tps: [
      "//registry.npmjs.org/:_authToken={HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}",
      "# settings\n//registry.npmjs.org/:_authToken={HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}\n",
    ],
    fps: [
      "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
      "//registry.npmjs.org/:_authToken=xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
      "//registry.npmjs.org/:_authToken=EXAMPLEE-EXAM-EXAM-EXAM-EXAMPLEEXAMP",
    ],
  },
  "npmrc-basic-auth": {
    provider: "npm",
    tps: ["_auth={B64:40}", "# settings\n_auth={B64:40}\n"],
    fps: [
      "_auth=${NPM_AUTH}",
      "_auth=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "_auth=EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",
    ],
  },
  "pypi-upload-token": {
    provider: "PyPI",
    tps: ['  "value": "pypi-AgEIcHlwaS5vcmc{URL:150}",', "token: pypi-AgEIcHlwaS5vcmc{URL:150}"],
    fps: [
      '  "value": "pypi-AgEIcHlwaS5vcmcxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "pypi-AgEIcHlwaS5vcmcEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXA",',
    ],
  },
  "testpypi-upload-token": {
    provider: "PyPI",
    tps: [
      '  "value": "pypi-AgENdGVzdC5weXBpLm9yZw{URL:150}",',
      "token: pypi-AgENdGVzdC5weXBpLm9yZw{URL:150}",
    ],
    fps: [
      '  "value": "pypi-AgENdGVzdC5weXBpLm9yZwxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "pypi-AgENdGVzdC5weXBpLm9yZwEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXA",',
    ],
  },
  "dockerhub-pat": {
    provider: "Docker Hub",
    tps: ['  "value": "dckr_pat_{URL:27}",', "token: dckr_pat_{URL:27}"],
    fps: [
      '  "value": "dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "dckr_pat_EXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
  "dockerhub-oat": {
    provider: "Docker Hub",
    tps: ['  "value": "dckr_oat_{URL:32}",', "token: dckr_oat_{URL:32}"],
    fps: [
      '  "value": "dckr_oat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "dckr_oat_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "docker-config-auth": {
    provider: "Docker registry",
    tps: [
      '{"auths":{"ghcr.io":{"auth":"{B64:40}"}}}',
      '# settings\n{"auths":{"ghcr.io":{"auth":"{B64:40}"}}}\n',
    ],
    fps: [
      '{"auths":{"ghcr.io":{"auth":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}}',
      '{"auths":{"ghcr.io":{"auth":"EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP"}}}',
    ],
  },
  "nuget-api-key": {
    provider: "NuGet",
    tps: ['  "value": "oy2{LOWD:43}",', "token: oy2{LOWD:43}"],
    fps: [
      '  "value": "oy2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "oy2EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "rubygems-api-key": {
    provider: "RubyGems",
    tps: ['  "value": "rubygems_{HEX:48}",', "token: rubygems_{HEX:48}"],
    fps: [
      '  "value": "rubygems_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "rubygems_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
  "clojars-token": {
    provider: "Clojars",
    tps: ['  "value": "CLOJARS_{LOWD:60}",', "token: CLOJARS_{LOWD:60}"],
    fps: [
      '  "value": "CLOJARS_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "CLOJARS_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "jfrog-api-key": {
    provider: "JFrog",
    tps: ['  "value": "AKCp{A62:69}",', "token: AKCp{A62:69}"],
    fps: [
      '  "value": "AKCpxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "AKCpEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
  "jfrog-identity-token": {
    provider: "JFrog",
    tps: ['  "value": "cmVmdGtuOjAxOj{A62:64}",', "token: cmVmdGtuOjAxOj{A62:64}"],
    fps: [
      '  "value": "cmVmdGtuOjAxOjxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "cmVmdGtuOjAxOjEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "hashicorp-vault-service-token": {
    provider: "HashiCorp Vault",
    tps: ['  "value": "hvs.{URL:95}",', "token: hvs.{URL:95}"],
    fps: [
      '  "value": "hvs.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "hvs.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "hashicorp-vault-batch-token": {
    provider: "HashiCorp Vault",
    tps: ['  "value": "hvb.{URL:150}",', "token: hvb.{URL:150}"],
    fps: [
      '  "value": "hvb.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "hvb.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXA",',
    ],
  },
  "hashicorp-vault-recovery-token": {
    provider: "HashiCorp Vault",
    tps: ['  "value": "hvr.{URL:95}",', "token: hvr.{URL:95}"],
    fps: [
      '  "value": "hvr.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "hvr.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "terraform-cloud-token": {
    provider: "Terraform Cloud",
    tps: ['  "value": "{A62:14}.atlasv1.{URL:67}",', "token: {A62:14}.atlasv1.{URL:67}"],
    fps: [
      '  "value": "xxxxxxxxxxxxxx.atlasv1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "EXAMPLEEXAMPLE.atlasv1.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "pulumi-access-token": {
    provider: "Pulumi",
    tps: ['  "value": "pul-{HEX:40}",', "token: pul-{HEX:40}"],
    fps: [
      '  "value": "pul-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "pul-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
  "doppler-personal-token": {
    provider: "Doppler",
    tps: ['  "value": "dp.pt.{A62:43}",', "token: dp.pt.{A62:43}"],
    fps: [
      '  "value": "dp.pt.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "dp.pt.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "doppler-service-token": {
    provider: "Doppler",
    tps: ['  "value": "dp.st.prd.{A62:40}",', "token: dp.st.prd.{A62:40}"],
    fps: [
      '  "value": "dp.st.prd.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "dp.st.prd.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
};
