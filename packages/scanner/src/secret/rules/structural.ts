import type { SecretRuleSpec } from "../types.js";
import { A62, B, E, HEX, URLSAFE, custom } from "./helpers.js";

const B64 = "[A-Za-z0-9+/]";
/** Words in a command line or config that mark the value as a placeholder, not a credential. */
const PLACEHOLDER_WORDS = ["password", "passwd", "secret", "changeme", "example", "username", "token"];

/**
 * Secrets recognised by the structure around them: a command line, an XML attribute, a
 * connection string, a URL, a key id followed by its secret.
 */
export const structuralRules: SecretRuleSpec[] = [
  custom(
    "curl-basic-auth",
    "Password passed to curl -u",
    "HIGH",
    ["curl"],
    `curl\\s[^\\n]{0,200}?(?:-u|--user)(?:\\s{1,5}|=)["']?([A-Za-z0-9._@%+-]{1,64}:[^\\s"'$<>{}]{6,100})["']?(?=\\s|$)`,
    1,
    {
      anchored: true,
      entropy: 2.8,
      provider: "curl command line",
      allow: { stopwords: PLACEHOLDER_WORDS },
      tps: [
        "curl -s -u deploy:{A62:16} https://ci.internal/api",
        "RUN curl --user admin:{PW:20} -X POST http://x/",
      ],
      fps: [
        "curl -u user:password https://api.example.org",
        "curl -u $USER:$PASS https://x/",
        "curl -u admin https://x/",
      ],
    },
  ),
  custom(
    "nuget-cleartext-password",
    "NuGet feed password in ClearTextPassword",
    "HIGH",
    ["cleartextpassword"],
    `ClearTextPassword["']?\\s{1,5}value\\s{0,5}=\\s{0,5}["']([^"'\\s]{6,100})["']`,
    1,
    {
      anchored: true,
      flags: "i",
      entropy: 2.8,
      provider: "NuGet",
      allow: { stopwords: PLACEHOLDER_WORDS },
      tps: [
        '<add key="ClearTextPassword" value="{PW:18}" />',
        "<add key='ClearTextPassword' value='{A62:24}'/>",
      ],
      fps: [
        '<add key="ClearTextPassword" value="%NUGET_PASSWORD%" />',
        '<add key="ClearTextPassword" value="xxxxxxxx" />',
      ],
    },
  ),
  custom(
    "sidekiq-credentials",
    "Sidekiq Pro/Enterprise gem server credentials",
    "HIGH",
    ["contribsys__com", "contribsys.com"],
    `(?:BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM["']?\\s{0,5}[:=]\\s{0,5}["']?|://)(${HEX}{8}:${HEX}{8})${E}`,
    1,
    {
      provider: "Sidekiq",
      tps: [
        "BUNDLE_ENTERPRISE__CONTRIBSYS__COM={HEX:8}:{HEX:8}",
        "source 'https://{HEX:8}:{HEX:8}@gems.contribsys.com/'",
      ],
      fps: [
        "BUNDLE_ENTERPRISE__CONTRIBSYS__COM=cafebabe:deadbeef",
        "BUNDLE_GEMS__CONTRIBSYS__COM={HEX:8}:{HEX:7}",
      ],
    },
  ),
  custom(
    "aws-secret-key-beside-id",
    "AWS secret access key next to its access key id",
    "CRITICAL",
    ["akia", "asia"],
    `${B}(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])[^\\n]{0,80}?(?:\\n[^\\n]{0,80}?)?(?<![A-Za-z0-9/+])(${B64}{40})(?![A-Za-z0-9/+=])`,
    1,
    {
      anchored: true,
      entropy: 4.3,
      provider: "Amazon Web Services",
      tps: ["AKIA{B32:16},{B64:40}", "key: AKIA{B32:16}\nsecret: {B64:40}"],
      fps: ["AKIA{B32:16},xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "AKIA{B32:16} {B64:39}"],
    },
  ),
  custom(
    "azure-redis-password",
    "Azure Cache for Redis access key in a connection string",
    "HIGH",
    [".redis.cache.windows.net"],
    `\\.redis\\.cache\\.windows\\.net(?::\\d{1,5})?,[^\\n]{0,100}?password=(${B64}{43}=)`,
    1,
    {
      anchored: true,
      flags: "i",
      provider: "Microsoft Azure",
      tps: [
        "app{LOWD:5}.redis.cache.windows.net:6380,password={B64:43}=,ssl=True",
        "x.redis.cache.windows.net,abortConnect=False,password={B64:43}=",
      ],
      fps: [
        "app.redis.cache.windows.net:6380,password=<access-key>,ssl=True",
        "app.redis.cache.windows.net:6380,password={B64:20}=,ssl=True",
      ],
    },
  ),
  custom(
    "azure-app-configuration-connection-string",
    "Azure App Configuration / SignalR / Web PubSub connection string",
    "HIGH",
    [".azconfig.io", ".service.signalr.net", ".webpubsub.azure.com"],
    `\\.(?:azconfig\\.io|service\\.signalr\\.net|webpubsub\\.azure\\.com)/?;[^\\n]{0,100}?(?:Secret|AccessKey)=(${B64}{43}=)`,
    1,
    {
      anchored: true,
      provider: "Microsoft Azure",
      tps: [
        "Endpoint=https://cfg{LOWD:4}.azconfig.io;Id=AbC1-l0-s0:{A62:20};Secret={B64:43}=",
        "Endpoint=https://sig.service.signalr.net;AccessKey={B64:43}=;Version=1.0;",
      ],
      fps: [
        "Endpoint=https://cfg.azconfig.io;Id=x;Secret=<secret>",
        "Endpoint=https://sig.service.signalr.net;AccessKey=${KEY};Version=1.0;",
      ],
    },
  ),
  custom(
    "azure-iot-hub-connection-string",
    "Azure IoT Hub / Event Hubs shared access key",
    "HIGH",
    [".azure-devices.net", ".servicebus.windows.net"],
    `\\.(?:azure-devices|servicebus\\.windows)\\.net/?;[^\\n]{0,150}?SharedAccessKey=(${B64}{43}=)`,
    1,
    {
      anchored: true,
      provider: "Microsoft Azure",
      tps: [
        "HostName=hub{LOWD:4}.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey={B64:43}=",
        "HostName=h.azure-devices.net;DeviceId=d1;SharedAccessKey={B64:43}=",
      ],
      fps: [
        "HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=<key>",
        "HostName=h.azure-devices.net;SharedAccessKey={B64:20}=",
      ],
    },
  ),
  custom(
    "azure-function-key",
    "Azure Functions key in a function URL",
    "MEDIUM",
    [".azurewebsites.net/api/"],
    `\\.azurewebsites\\.net/api/[A-Za-z0-9_/-]{1,100}\\?(?:[^\\s"'#]{0,100}&)?code=(${URLSAFE}{40,60}={0,2})`,
    1,
    {
      anchored: true,
      provider: "Microsoft Azure",
      tps: [
        "https://fn{LOWD:4}.azurewebsites.net/api/HttpTrigger1?code={URL:54}==",
        "https://f.azurewebsites.net/api/orders?clientId=default&code={URL:44}==",
      ],
      fps: [
        "https://fn.azurewebsites.net/api/HttpTrigger1?code=<function-key>",
        "https://fn.azurewebsites.net/api/HttpTrigger1?code={URL:12}",
      ],
    },
  ),
  custom(
    "azure-apim-subscription-key",
    "Azure API Management subscription key",
    "HIGH",
    ["ocp-apim-subscription-key"],
    `Ocp-Apim-Subscription-Key["']?\\s{0,5}[:=,]\\s{0,5}["']?(${HEX}{32})${E}`,
    1,
    {
      anchored: true,
      flags: "i",
      provider: "Microsoft Azure",
      tps: ["-H 'Ocp-Apim-Subscription-Key: {HEX:32}'", '"Ocp-Apim-Subscription-Key": "{HEX:32}"'],
      fps: ["Ocp-Apim-Subscription-Key: {your-key}", "Ocp-Apim-Subscription-Key: {HEX:31}"],
    },
  ),
  custom(
    "azure-search-query-key",
    "Azure AI Search api-key beside its endpoint",
    "HIGH",
    [".search.windows.net"],
    `\\.search\\.windows\\.net[^\\n]{0,200}?api-key["']?\\s{0,5}[:=]\\s{0,5}["']?(${A62}{52})${E}`,
    1,
    {
      anchored: true,
      flags: "i",
      provider: "Microsoft Azure",
      tps: [
        "curl https://s{LOWD:4}.search.windows.net/indexes -H 'api-key: {A62:52}'",
        "https://x.search.windows.net?api-version=2023-11-01 api-key={A62:52}",
      ],
      fps: [
        "curl https://s.search.windows.net/indexes -H 'api-key: <admin-key>'",
        "https://x.search.windows.net api-key={A62:40}",
      ],
    },
  ),
  custom(
    "power-automate-webhook",
    "Power Automate / Teams workflow webhook signature",
    "MEDIUM",
    [".logic.azure.com"],
    `\\.logic\\.azure\\.com(?::443)?/workflows/${HEX}{32}/triggers/[^\\s"'?]{1,100}\\?[^\\s"']{0,200}?sig=(${URLSAFE}{43})${E}`,
    1,
    {
      anchored: true,
      provider: "Microsoft Teams",
      tps: [
        "https://prod-12.westus.logic.azure.com:443/workflows/{HEX:32}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={URL:43}",
        "https://prod-1.uksouth.logic.azure.com/workflows/{HEX:32}/triggers/When_a_HTTP_request_is_received/paths/invoke?sig={URL:43}",
      ],
      fps: [
        "https://prod-12.westus.logic.azure.com:443/workflows/{HEX:32}/triggers/manual/paths/invoke?sig=<sig>",
        "https://prod-12.westus.logic.azure.com/workflows/abc/triggers/manual?sig={URL:43}",
      ],
    },
  ),
  custom(
    "maxmind-license-key",
    "MaxMind license key",
    "MEDIUM",
    ["_mmk"],
    `${B}(${A62}{6}_${A62}{29}_mmk)${E}`,
    1,
    {
      provider: "MaxMind",
      tps: ['  "value": "{A62:6}_{A62:29}_mmk",', "MAXMIND_LICENSE_KEY={A62:6}_{A62:29}_mmk"],
      fps: [
        "MAXMIND_LICENSE_KEY={A62:6}_{A62:28}_mmk",
        "MAXMIND_LICENSE_KEY=xxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxx_mmk",
      ],
    },
  ),
  custom(
    "firebase-cloud-messaging-key",
    "Firebase Cloud Messaging server key",
    "HIGH",
    [":apa91b"],
    `${B}(AAAA${URLSAFE}{7}:APA91b${URLSAFE}{134})${E}`,
    1,
    {
      provider: "Firebase",
      tps: ['  "value": "AAAA{URL:7}:APA91b{URL:134}",', "FCM_SERVER_KEY=AAAA{URL:7}:APA91b{URL:134}"],
      fps: ["FCM_SERVER_KEY=AAAA{URL:7}:APA91b{URL:100}", "FCM_SERVER_KEY=AAAA{URL:7}:{URL:140}"],
    },
  ),
  custom(
    "cloudinary-url",
    "Cloudinary URL with API secret",
    "HIGH",
    ["cloudinary://"],
    `cloudinary://\\d{10,16}:(${URLSAFE}{27})@`,
    1,
    {
      anchored: true,
      provider: "Cloudinary",
      tps: [
        "CLOUDINARY_URL=cloudinary://{D:15}:{URL:27}@my-cloud",
        "url: 'cloudinary://{D:15}:{URL:27}@demo'",
      ],
      fps: [
        "CLOUDINARY_URL=cloudinary://123456789012345:abcdefghijklmnopqrstuvwxyz0@demo",
        "CLOUDINARY_URL=cloudinary://<api_key>:<api_secret>@<cloud_name>",
      ],
    },
  ),
  custom("pubnub-secret-key", "PubNub secret key", "HIGH", ["sec-c-"], `${B}(sec-c-[A-Za-z0-9]{48})${E}`, 1, {
    provider: "PubNub",
    tps: ['  "value": "sec-c-{A62:48}",', "PUBNUB_SECRET=sec-c-{A62:48}"],
    fps: [
      "PUBNUB_SECRET=sec-c-{A62:40}",
      "PUBNUB_SECRET=sec-c-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ],
  }),
];
