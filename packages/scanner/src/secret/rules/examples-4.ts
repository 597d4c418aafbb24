import type { LegacyExample } from "../types.js";

/** Legacy rule examples, part 4 of 5 (see examples.ts), from "openai-api-key" on. */
export const legacyExamples4: Record<string, LegacyExample> = {
  "openai-api-key": {
    provider: "OpenAI",
    tps: ['  "value": "sk-proj-{URL:40}T3BlbkFJ{URL:40}",', "token: sk-proj-{URL:40}T3BlbkFJ{URL:40}"],
    fps: [
      '  "value": "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "sk-proj-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPT3BlbkFJEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
  "anthropic-api-key": {
    provider: "Anthropic",
    tps: ['  "value": "sk-ant-api03-{URL:93}AA",', "token: sk-ant-api03-{URL:93}AA"],
    fps: [
      '  "value": "sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA",',
      '  "value": "sk-ant-api03-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAA",',
    ],
  },
  "anthropic-admin-key": {
    provider: "Anthropic",
    tps: ['  "value": "sk-ant-admin01-{URL:93}AA",', "token: sk-ant-admin01-{URL:93}AA"],
    fps: [
      '  "value": "sk-ant-admin01-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA",',
      '  "value": "sk-ant-admin01-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAA",',
    ],
  },
  "huggingface-token": {
    provider: "Hugging Face",
    tps: ['  "value": "hf_{ALPHA:34}",', "token: hf_{ALPHA:34}"],
    fps: [
      '  "value": "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "hf_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
  "huggingface-org-token": {
    provider: "Hugging Face",
    tps: ['  "value": "api_org_{ALPHA:34}",', "token: api_org_{ALPHA:34}"],
    fps: [
      '  "value": "api_org_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "api_org_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
  "replicate-api-token": {
    provider: "Replicate",
    tps: ['  "value": "r8_{A62:37}",', "token: r8_{A62:37}"],
    fps: [
      '  "value": "r8_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "r8_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX",',
    ],
  },
  "groq-api-key": {
    provider: "Groq",
    tps: ['  "value": "gsk_{A62:52}",', "token: gsk_{A62:52}"],
    fps: [
      '  "value": "gsk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "gsk_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXA",',
    ],
  },
  "perplexity-api-key": {
    provider: "Perplexity",
    tps: ['  "value": "pplx-{A62:48}",', "token: pplx-{A62:48}"],
    fps: [
      '  "value": "pplx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "pplx-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
  "shopify-access-token": {
    provider: "Shopify",
    tps: ['  "value": "shpat_{HEX:32}",', "token: shpat_{HEX:32}"],
    fps: [
      '  "value": "shpat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "shpat_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "shopify-custom-app-token": {
    provider: "Shopify",
    tps: ['  "value": "shpca_{HEX:32}",', "token: shpca_{HEX:32}"],
    fps: [
      '  "value": "shpca_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "shpca_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "shopify-private-app-token": {
    provider: "Shopify",
    tps: ['  "value": "shppa_{HEX:32}",', "token: shppa_{HEX:32}"],
    fps: [
      '  "value": "shppa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "shppa_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "shopify-shared-secret": {
    provider: "Shopify",
    tps: ['  "value": "shpss_{HEX:32}",', "token: shpss_{HEX:32}"],
    fps: [
      '  "value": "shpss_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "shpss_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "square-access-token": {
    provider: "Square",
    tps: ['  "value": "EAAA{URL:60}",', "token: EAAA{URL:60}"],
    fps: [
      '  "value": "EAAAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "EAAAEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "square-legacy-access-token": {
    provider: "Square",
    tps: ['  "value": "sq0atp-{URL:22}",', "token: sq0atp-{URL:22}"],
    fps: ['  "value": "sq0atp-xxxxxxxxxxxxxxxxxxxxxx",', '  "value": "sq0atp-EXAMPLEEXAMPLEEXAMPLEE",'],
  },
  "square-oauth-secret": {
    provider: "Square",
    tps: ['  "value": "sq0csp-{URL:43}",', "token: sq0csp-{URL:43}"],
    fps: [
      '  "value": "sq0csp-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "sq0csp-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "braintree-access-token": {
    provider: "PayPal Braintree",
    tps: [
      '  "value": "access_token$production${LOWD:16}${HEX:32}",',
      "token: access_token$production${LOWD:16}${HEX:32}",
    ],
    fps: [
      '  "value": "access_token$production$xxxxxxxxxxxxxxxx$xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "access_token$production$EXAMPLEEXAMPLEEX$EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "facebook-access-token": {
    provider: "Facebook",
    tps: ['  "value": "EAACEdEose0cBA{A62:100}",', "token: EAACEdEose0cBA{A62:100}"],
    fps: [
      '  "value": "EAACEdEose0cBAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "EAACEdEose0cBAEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX",',
    ],
  },
  "twitter-bearer-token": {
    provider: "Twitter/X",
    tps: ['  "value": "AAAAAAAAAAAAAAAAAAAAA{A62:80}",', "token: AAAAAAAAAAAAAAAAAAAAA{A62:80}"],
    fps: [
      '  "value": "AAAAAAAAAAAAAAAAAAAAAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "AAAAAAAAAAAAAAAAAAAAAEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXA",',
    ],
  },
  "discord-webhook-url": {
    provider: "Discord",
    tps: [
      '  "value": "https://discord.com/api/webhooks/{D:18}/{URL:68}",',
      "token: https://discord.com/api/webhooks/{D:18}/{URL:68}",
    ],
    fps: [
      '  "value": "https://discord.com/api/webhooks/xxxxxxxxxxxxxxxxxx/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "https://discord.com/api/webhooks/EXAMPLEEXAMPLEEXAM/EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
  "telegram-bot-token": {
    provider: "Telegram",
    tps: ['  "value": "{D:10}:AA{URL:33}",', "token: {D:10}:AA{URL:33}"],
    fps: [
      '  "value": "xxxxxxxxxx:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "EXAMPLEEXA:AAEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
  "teams-webhook-url": {
    provider: "Microsoft Teams",
    tps: [
      '  "value": "https://contoso.webhook.office.com/webhookb2/{HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}@{HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}/IncomingWebhook/{HEX:32}/{HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}",',
      "token: https://contoso.webhook.office.com/webhookb2/{HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}@{HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}/IncomingWebhook/{HEX:32}/{HEX:8}-{HEX:4}-{HEX:4}-{HEX:4}-{HEX:12}",
    ],
    fps: [
      '  "value": "https://contoso.webhook.office.com/webhookb2/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx@xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx/IncomingWebhook/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",',
      '  "value": "https://contoso.webhook.office.com/webhookb2/EXAMPLEE-EXAM-EXAM-EXAM-EXAMPLEEXAMP@EXAMPLEE-EXAM-EXAM-EXAM-EXAMPLEEXAMP/IncomingWebhook/EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM/EXAMPLEE-EXAM-EXAM-EXAM-EXAMPLEEXAMP",',
    ],
  },
  "linear-api-key": {
    provider: "Linear",
    tps: ['  "value": "lin_api_{A62:40}",', "token: lin_api_{A62:40}"],
    fps: [
      '  "value": "lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "lin_api_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
  "notion-token": {
    provider: "Notion",
    tps: ['  "value": "ntn_{D:11}{A62:35}",', "token: ntn_{D:11}{A62:35}"],
    fps: [
      '  "value": "ntn_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "ntn_EXAMPLEEXAMEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE",',
    ],
  },
  "airtable-pat": {
    provider: "Airtable",
    tps: ['  "value": "pat{A62:14}.{HEX:64}",', "token: pat{A62:14}.{HEX:64}"],
    fps: [
      '  "value": "patxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "patEXAMPLEEXAMPLE.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "postman-api-key": {
    provider: "Postman",
    tps: ['  "value": "PMAK-{HEX:24}-{HEX:34}",', "token: PMAK-{HEX:24}-{HEX:34}"],
    fps: [
      '  "value": "PMAK-xxxxxxxxxxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "PMAK-EXAMPLEEXAMPLEEXAMPLEEXA-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
  "figma-pat": {
    provider: "Figma",
    tps: ['  "value": "figd_{URL:40}",', "token: figd_{URL:40}"],
    fps: [
      '  "value": "figd_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "figd_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
  "dynatrace-api-token": {
    provider: "Dynatrace",
    tps: ['  "value": "dt0c01.{UPD:24}.{UPD:64}",', "token: dt0c01.{UPD:24}.{UPD:64}"],
    fps: [
      '  "value": "dt0c01.xxxxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "dt0c01.EXAMPLEEXAMPLEEXAMPLEEXA.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "newrelic-user-key": {
    provider: "New Relic",
    tps: ['  "value": "NRAK-{UPD:27}",', "token: NRAK-{UPD:27}"],
    fps: ['  "value": "NRAK-xxxxxxxxxxxxxxxxxxxxxxxxxxx",', '  "value": "NRAK-EXAMPLEEXAMPLEEXAMPLEEXAMPL",'],
  },
  "newrelic-insert-key": {
    provider: "New Relic",
    tps: ['  "value": "NRII-{URL:32}",', "token: NRII-{URL:32}"],
    fps: [
      '  "value": "NRII-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "NRII-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",',
    ],
  },
  "planetscale-token": {
    provider: "PlanetScale",
    tps: ['  "value": "pscale_tkn_{URL:43}",', "token: pscale_tkn_{URL:43}"],
    fps: [
      '  "value": "pscale_tkn_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "pscale_tkn_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "planetscale-password": {
    provider: "PlanetScale",
    tps: ['  "value": "pscale_pw_{URL:43}",', "token: pscale_pw_{URL:43}"],
    fps: [
      '  "value": "pscale_pw_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "pscale_pw_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "supabase-access-token": {
    provider: "Supabase",
    tps: ['  "value": "sbp_{HEX:40}",', "token: sbp_{HEX:40}"],
    fps: [
      '  "value": "sbp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "sbp_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
  "onepassword-service-account-token": {
    provider: "1Password",
    tps: ['  "value": "ops_eyJ{URL:300}",', "token: ops_eyJ{URL:300}"],
    fps: [
      '  "value": "ops_eyJxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "ops_eyJEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL",',
    ],
  },
};
