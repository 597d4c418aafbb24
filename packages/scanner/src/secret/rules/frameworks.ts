import type { SecretRuleSpec } from "../types.js";
import { B, E, custom } from "./helpers.js";

/** Stand-ins that framework docs and generated templates use instead of a real key. */
const TEMPLATE_WORDS = [
  "changeme",
  "change_me",
  "change-me",
  "example",
  "your",
  "secret_key_here",
  "dummy",
  "placeholder",
];
/** A quoted literal of 16 to 200 characters without whitespace or a template reference. */
const QUOTED = `["'\`]([^"'\`\\s]{16,200})["'\`]`;

/**
 * Signing keys of web frameworks: whoever holds them forges sessions and signed cookies.
 * Each is recognised by the framework's own setting name and syntax.
 */
export const frameworkRules: SecretRuleSpec[] = [
  custom(
    "django-secret-key",
    "Django SECRET_KEY",
    "HIGH",
    ["secret_key"],
    // os.environ.get("SECRET_KEY", "<fallback>") ships the fallback: that literal is the key too.
    `${B}SECRET_KEY\\s{0,5}=\\s{0,5}(?:os\\.(?:environ\\.get|getenv)\\([^,)]{1,60},\\s{0,5})?(?:b|r|u)?${QUOTED}`,
    1,
    {
      anchored: true,
      entropy: 3.5,
      provider: "Django",
      allow: { stopwords: TEMPLATE_WORDS },
      tps: [
        "SECRET_KEY = 'django-insecure-{PW:50}'",
        'SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "{PW:50}")',
      ],
      fps: [
        "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']",
        "SECRET_KEY = 'change-me-in-production-please-xxxxx'",
      ],
    },
  ),
  custom(
    "rails-secret-key-base",
    "Rails / Phoenix secret_key_base",
    "HIGH",
    ["secret_key_base"],
    `secret_key_base["']?\\s{0,5}(?:=|:)\\s{0,5}["']?([A-Za-z0-9+/]{64,256})${E}`,
    1,
    {
      anchored: true,
      entropy: 3.5,
      flags: "i",
      provider: "Ruby on Rails",
      tps: [
        "  secret_key_base: {HEX:128}",
        'config.secret_key_base = "{HEX:128}"',
        'secret_key_base: "{B64:64}"',
      ],
      fps: ["  secret_key_base: <%= ENV['SECRET_KEY_BASE'] %>", "  secret_key_base: {HEX:40}"],
    },
  ),
  custom(
    "flask-secret-key",
    "Flask SECRET_KEY",
    "HIGH",
    ["app.secret_key", "secret_key']", 'secret_key"]'],
    `(?:app\\.secret_key|\\[["']SECRET_KEY["']\\])\\s{0,5}=\\s{0,5}(?:b|r|u)?${QUOTED}`,
    1,
    {
      anchored: false,
      entropy: 3.5,
      provider: "Flask",
      allow: { stopwords: TEMPLATE_WORDS },
      tps: ["app.secret_key = b'{PW:24}'", "app.config['SECRET_KEY'] = '{A62:32}'"],
      fps: ["app.secret_key = os.urandom(24)", "app.config['SECRET_KEY'] = 'dev'"],
    },
  ),
  custom(
    "laravel-app-key",
    "Laravel APP_KEY",
    "HIGH",
    ["app_key"],
    `${B}APP_KEY["']?\\s{0,5}[=:]\\s{0,5}["']?(base64:[A-Za-z0-9+/]{43}=)`,
    1,
    {
      anchored: true,
      entropy: 4,
      provider: "Laravel",
      tps: ["APP_KEY=base64:{B64:43}=", "  'APP_KEY': 'base64:{B64:43}='"],
      fps: ["APP_KEY=", "APP_KEY=base64:{B64:30}="],
    },
  ),
  custom(
    "symfony-app-secret",
    "Symfony APP_SECRET",
    "HIGH",
    ["app_secret"],
    `${B}APP_SECRET["']?\\s{0,5}[=:]\\s{0,5}["']?([a-f0-9]{32})${E}`,
    1,
    {
      anchored: true,
      provider: "Symfony",
      tps: ["APP_SECRET={HEX:32}", "    APP_SECRET: '{HEX:32}'"],
      fps: ["APP_SECRET=%env(APP_SECRET)%", "APP_SECRET={HEX:31}"],
    },
  ),
  custom(
    "express-session-secret",
    "Express session / cookie-parser secret",
    "MEDIUM",
    ["session(", "cookieparser("],
    `(?:session\\(\\s{0,5}\\{[^}]{0,300}?secret\\s{0,3}:\\s{0,3}|cookieParser\\(\\s{0,3})["'\`]([^"'\`\\s$]{12,200})["'\`]`,
    1,
    {
      anchored: true,
      entropy: 3.3,
      provider: "Express",
      allow: { stopwords: TEMPLATE_WORDS },
      tps: ["app.use(session({ secret: '{PW:32}', resave: false }))", "app.use(cookieParser('{A62:24}'));"],
      fps: [
        "app.use(session({ secret: process.env.SESSION_SECRET }))",
        "app.use(session({ secret: 'keyboard cat' }))",
      ],
    },
  ),
];
