import type { LegacyExample } from "../types.js";

/** Legacy rule examples, part 5 of 5 (see examples.ts), from "age-secret-key" on. */
export const legacyExamples5: Record<string, LegacyExample> = {
  "age-secret-key": {
    provider: "age",
    tps: ['  "value": "AGE-SECRET-KEY-1{BECH32:58}",', "token: AGE-SECRET-KEY-1{BECH32:58}"],
    fps: [
      '  "value": "AGE-SECRET-KEY-1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "AGE-SECRET-KEY-1EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX",',
    ],
  },
  "flutterwave-secret-key": {
    provider: "Flutterwave",
    tps: ['  "value": "FLWSECK-{HEX:32}-X",', "token: FLWSECK-{HEX:32}-X"],
    fps: [
      '  "value": "FLWSECK-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-X",',
      '  "value": "FLWSECK-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM-X",',
    ],
  },
  "easypost-api-key": {
    provider: "EasyPost",
    tps: ['  "value": "EZAK{A62:54}",', "token: EZAK{A62:54}"],
    fps: [
      '  "value": "EZAKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "EZAKEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
  "mapbox-secret-token": {
    provider: "Mapbox",
    tps: ['  "value": "sk.eyJ1Ijoi{URL:60}.{URL:22}",', "token: sk.eyJ1Ijoi{URL:60}.{URL:22}"],
    fps: [
      '  "value": "sk.eyJ1Ijoixxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "sk.eyJ1IjoiEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM.EXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "adafruit-io-key": {
    provider: "Adafruit IO",
    tps: ['  "value": "aio_{A62:28}",', "token: aio_{A62:28}"],
    fps: ['  "value": "aio_xxxxxxxxxxxxxxxxxxxxxxxxxxxx",', '  "value": "aio_EXAMPLEEXAMPLEEXAMPLEEXAMPLE",'],
  },
  "shippo-live-token": {
    provider: "Shippo",
    tps: ['  "value": "shippo_live_{HEX:40}",', "token: shippo_live_{HEX:40}"],
    fps: [
      '  "value": "shippo_test_{HEX:40}",',
      '  "value": "shippo_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "shippo_live_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",',
    ],
  },
  "typeform-pat": {
    provider: "Typeform",
    tps: ['  "value": "tfp_{URL:59}",', "token: tfp_{URL:59}"],
    fps: [
      '  "value": "tfp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "tfp_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXA",',
    ],
  },
  "duffel-live-token": {
    provider: "Duffel",
    tps: ['  "value": "duffel_live_{URL:43}",', "token: duffel_live_{URL:43}"],
    fps: [
      '  "value": "duffel_test_{URL:43}",',
      '  "value": "duffel_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "duffel_live_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "frameio-token": {
    provider: "Frame.io",
    tps: ['  "value": "fio-u-{URL:64}",', "token: fio-u-{URL:64}"],
    fps: [
      '  "value": "fio-u-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "fio-u-EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "private-key-rsa": {
    provider: "Private key (PEM/OpenSSH/PGP/PuTTY)",
    tps: [
      "-----BEGIN RSA PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END RSA PRIVATE KEY-----",
      "# settings\n-----BEGIN RSA PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END RSA PRIVATE KEY-----\n",
    ],
    fps: [
      "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
      "-----BEGIN RSA PRIVATE KEY-----\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==\n-----END RSA PRIVATE KEY-----",
      "-----BEGIN RSA PRIVATE KEY-----\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP==\n-----END RSA PRIVATE KEY-----",
    ],
  },
  "private-key-ec": {
    provider: "Private key (PEM/OpenSSH/PGP/PuTTY)",
    tps: [
      "-----BEGIN EC PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END EC PRIVATE KEY-----",
      "# settings\n-----BEGIN EC PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END EC PRIVATE KEY-----\n",
    ],
    fps: [
      "-----BEGIN EC PRIVATE KEY-----\n...\n-----END EC PRIVATE KEY-----",
      "-----BEGIN EC PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
      "-----BEGIN EC PRIVATE KEY-----\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==\n-----END EC PRIVATE KEY-----",
      "-----BEGIN EC PRIVATE KEY-----\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP==\n-----END EC PRIVATE KEY-----",
    ],
  },
  "private-key-dsa": {
    provider: "Private key (PEM/OpenSSH/PGP/PuTTY)",
    tps: [
      "-----BEGIN DSA PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END DSA PRIVATE KEY-----",
      "# settings\n-----BEGIN DSA PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END DSA PRIVATE KEY-----\n",
    ],
    fps: [
      "-----BEGIN DSA PRIVATE KEY-----\n...\n-----END DSA PRIVATE KEY-----",
      "-----BEGIN DSA PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
      "-----BEGIN DSA PRIVATE KEY-----\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==\n-----END DSA PRIVATE KEY-----",
      "-----BEGIN DSA PRIVATE KEY-----\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP==\n-----END DSA PRIVATE KEY-----",
    ],
  },
  "private-key-pkcs8": {
    provider: "Private key (PEM/OpenSSH/PGP/PuTTY)",
    tps: [
      "-----BEGIN PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END PRIVATE KEY-----",
      "# settings\n-----BEGIN PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END PRIVATE KEY-----\n",
    ],
    fps: [
      "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
      "-----BEGIN PRIVATE KEY-----\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==\n-----END PRIVATE KEY-----",
      "-----BEGIN PRIVATE KEY-----\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP==\n-----END PRIVATE KEY-----",
    ],
  },
  "private-key-pkcs8-encrypted": {
    provider: "Private key (PEM/OpenSSH/PGP/PuTTY)",
    tps: [
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END ENCRYPTED PRIVATE KEY-----",
      "# settings\n-----BEGIN ENCRYPTED PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END ENCRYPTED PRIVATE KEY-----\n",
    ],
    fps: [
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\n...\n-----END ENCRYPTED PRIVATE KEY-----",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==\n-----END ENCRYPTED PRIVATE KEY-----",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP==\n-----END ENCRYPTED PRIVATE KEY-----",
    ],
  },
  "private-key-openssh": {
    provider: "Private key (PEM/OpenSSH/PGP/PuTTY)",
    tps: [
      "-----BEGIN OPENSSH PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END OPENSSH PRIVATE KEY-----",
      "# settings\n-----BEGIN OPENSSH PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END OPENSSH PRIVATE KEY-----\n",
    ],
    fps: [
      "-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==\n-----END OPENSSH PRIVATE KEY-----",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP==\n-----END OPENSSH PRIVATE KEY-----",
    ],
  },
  "private-key-ssh2-encrypted": {
    provider: "Private key (PEM/OpenSSH/PGP/PuTTY)",
    tps: [
      "-----BEGIN SSH2 ENCRYPTED PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END SSH2 ENCRYPTED PRIVATE KEY-----",
      "# settings\n-----BEGIN SSH2 ENCRYPTED PRIVATE KEY-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END SSH2 ENCRYPTED PRIVATE KEY-----\n",
    ],
    fps: [
      "-----BEGIN SSH2 ENCRYPTED PRIVATE KEY-----\n...\n-----END SSH2 ENCRYPTED PRIVATE KEY-----",
      "-----BEGIN SSH2 ENCRYPTED PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
      "-----BEGIN SSH2 ENCRYPTED PRIVATE KEY-----\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==\n-----END SSH2 ENCRYPTED PRIVATE KEY-----",
      "-----BEGIN SSH2 ENCRYPTED PRIVATE KEY-----\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP==\n-----END SSH2 ENCRYPTED PRIVATE KEY-----",
    ],
  },
  "private-key-pgp": {
    provider: "Private key (PEM/OpenSSH/PGP/PuTTY)",
    tps: [
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END PGP PRIVATE KEY BLOCK-----",
      "# settings\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n{B64:64}\n{B64:64}\n{B64:64}\n{B64:40}==\n-----END PGP PRIVATE KEY BLOCK-----\n",
    ],
    fps: [
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n-----END PGP PRIVATE KEY BLOCK-----",
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==\n-----END PGP PRIVATE KEY BLOCK-----",
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP==\n-----END PGP PRIVATE KEY BLOCK-----",
    ],
  },
  "private-key-putty": {
    provider: "Private key (PEM/OpenSSH/PGP/PuTTY)",
    tps: [
      "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101\nPublic-Lines: 2\n{B64:64}\n{B64:4}\nPrivate-Lines: 1\n{B64:44}\nPrivate-MAC: {HEX:64}",
      "# settings\nPuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101\nPublic-Lines: 2\n{B64:64}\n{B64:4}\nPrivate-Lines: 1\n{B64:44}\nPrivate-MAC: {HEX:64}\n",
    ],
    fps: [
      "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101\nPublic-Lines: 2\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxx\nPrivate-Lines: 1\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nPrivate-MAC: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101\nPublic-Lines: 2\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE\nEXAM\nPrivate-Lines: 1\nEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX\nPrivate-MAC: EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",
    ],
  },
  "kubeconfig-client-key": {
    provider: "Kubernetes",
    tps: ["    client-key-data: {B64:300}=", "# settings\n    client-key-data: {B64:300}=\n"],
    fps: [
      "    client-key-data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=",
      "    client-key-data: EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPL=",
    ],
  },
  "kubernetes-service-account-token": {
    provider: "Kubernetes",
    tps: [
      '  "value": "eyJ{URL:30}.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50{URL:200}.{URL:86}",',
      "token: eyJ{URL:30}.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50{URL:200}.{URL:86}",
    ],
    fps: [
      '  "value": "eyJxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "eyJEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEX",',
    ],
  },
  jwt: {
    provider: "JSON Web Token",
    tps: ['  "value": "eyJ{URL:36}.eyJ{URL:80}.{URL:43}",', "token: eyJ{URL:36}.eyJ{URL:80}.{URL:43}"],
    fps: [
      '  "value": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",',
      '  "value": "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.",',
      '  "value": "eyJxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.eyJxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",',
      '  "value": "eyJEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE.eyJEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXA.EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEE",',
    ],
  },
  "postgres-connection-string": {
    provider: "PostgreSQL",
    tps: [
      "DATABASE_URL=postgres://app:{A62:20}@db.internal:5432/app",
      "# settings\nDATABASE_URL=postgres://app:{A62:20}@db.internal:5432/app\n",
    ],
    fps: [
      "postgres://user:password@localhost/db",
      "postgres://app:${DB_PASSWORD}@db:5432/app",
      "postgresql://localhost:5432/app",
      "DATABASE_URL=postgres://app:xxxxxxxxxxxxxxxxxxxx@db.internal:5432/app",
      "DATABASE_URL=postgres://app:EXAMPLEEXAMPLEEXAMPL@db.internal:5432/app",
    ],
  },
  "mysql-connection-string": {
    provider: "MySQL",
    tps: [
      "mysql://root:{A62:20}@10.0.0.5:3306/shop",
      "# settings\nmysql://root:{A62:20}@10.0.0.5:3306/shop\n",
    ],
    fps: [
      "mysql://root:secret@localhost/test",
      "mysql://root:xxxxxxxxxxxxxxxxxxxx@10.0.0.5:3306/shop",
      "mysql://root:EXAMPLEEXAMPLEEXAMPL@10.0.0.5:3306/shop",
    ],
  },
  "mongodb-connection-string": {
    provider: "MongoDB",
    tps: [
      "mongodb+srv://svc:{A62:20}@cluster0.abcde.mongodb.net/prod",
      "# settings\nmongodb+srv://svc:{A62:20}@cluster0.abcde.mongodb.net/prod\n",
    ],
    fps: [
      "mongodb+srv://svc:xxxxxxxxxxxxxxxxxxxx@cluster0.abcde.mongodb.net/prod",
      "mongodb+srv://svc:EXAMPLEEXAMPLEEXAMPL@cluster0.abcde.mongodb.net/prod",
    ],
  },
  "redis-connection-string": {
    provider: "Redis",
    tps: [
      "REDIS_URL=redis://:{A62:24}@cache:6379/0",
      "# settings\nREDIS_URL=redis://:{A62:24}@cache:6379/0\n",
    ],
    fps: [
      "redis://localhost:6379/0",
      "REDIS_URL=redis://:xxxxxxxxxxxxxxxxxxxxxxxx@cache:6379/0",
      "REDIS_URL=redis://:EXAMPLEEXAMPLEEXAMPLEEXA@cache:6379/0",
    ],
  },
  "amqp-connection-string": {
    provider: "AMQP (RabbitMQ)",
    tps: [
      "amqp://orders:{A62:20}@rabbit.internal:5672/",
      "# settings\namqp://orders:{A62:20}@rabbit.internal:5672/\n",
    ],
    fps: [
      "amqp://guest:guest@localhost:5672/",
      "amqp://orders:xxxxxxxxxxxxxxxxxxxx@rabbit.internal:5672/",
      "amqp://orders:EXAMPLEEXAMPLEEXAMPL@rabbit.internal:5672/",
    ],
  },
  "jdbc-connection-password": {
    provider: "JDBC",
    tps: [
      "jdbc:mysql://db:3306/app?user=app&password={A62:16}",
      "# settings\njdbc:mysql://db:3306/app?user=app&password={A62:16}\n",
    ],
    fps: [
      "jdbc:mysql://db:3306/app?user=app&password=xxxxxxxxxxxxxxxx",
      "jdbc:mysql://db:3306/app?user=app&password=EXAMPLEEXAMPLEEX",
    ],
  },
  "ado-net-connection-password": {
    provider: "ADO.NET",
    tps: [
      "Server=tcp:db.internal,1433;Database=app;User Id=app;Password={A62:16};",
      "# settings\nServer=tcp:db.internal,1433;Database=app;User Id=app;Password={A62:16};\n",
    ],
    fps: [
      "Server=localhost;Database=app;Trusted_Connection=True;",
      "Server=tcp:db.internal,1433;Database=app;User Id=app;Password=xxxxxxxxxxxxxxxx;",
      "Server=tcp:db.internal,1433;Database=app;User Id=app;Password=EXAMPLEEXAMPLEEX;",
    ],
  },
  "url-with-password": {
    provider: "Credentials in URL",
    tps: [
      "git clone https://deploy:{A62:20}@git.internal.net/team/repo.git",
      "# settings\ngit clone https://deploy:{A62:20}@git.internal.net/team/repo.git\n",
    ],
    fps: [
      "https://user:pass@example.com/",
      "https://github.com/org/repo",
      "ftp://anonymous:$(FTP_PASS)@host/",
      "git clone https://deploy:xxxxxxxxxxxxxxxxxxxx@git.internal.net/team/repo.git",
      "git clone https://deploy:EXAMPLEEXAMPLEEXAMPL@git.internal.net/team/repo.git",
    ],
  },
  "basic-auth-header": {
    provider: "HTTP Basic auth",
    tps: ["Authorization: Basic {B64:32}", "# settings\nAuthorization: Basic {B64:32}\n"],
    fps: [
      "Authorization: Basic xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "Authorization: Basic EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAM",
    ],
  },
  "bearer-token-header": {
    provider: "HTTP Bearer auth",
    tps: ["Authorization: Bearer {URL:40}", "# settings\nAuthorization: Bearer {URL:40}\n"],
    fps: [
      "Authorization: Bearer ${TOKEN}",
      "Authorization: Bearer xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "Authorization: Bearer EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMP",
    ],
  },
  "generic-password": {
    provider: "Generic",
    tps: ['DB_PASSWORD="{PW:16}"', '# settings\nDB_PASSWORD="{PW:16}"\n'],
    fps: [
      'password = "changeme"',
      "password: ${DB_PASSWORD}",
      "password = getPassword()",
      "pwd = os.getcwd()",
      'const password = "";',
      "PASSWORD_FILE=/run/secrets/db_password",
      "password = options.password",
      'DB_PASSWORD="xxxxxxxxxxxxxxxx"',
      'DB_PASSWORD="EXAMPLEEXAMPLEEX"',
    ],
  },
  "generic-api-key": {
    provider: "Generic",
    tps: ['api_key: "{A62:16}{D:2}{A62:14}"', '# settings\napi_key: "{A62:16}{D:2}{A62:14}"\n'],
    fps: [
      "token = options.token",
      'api_key: "YOUR_API_KEY_HERE"',
      "secret = process.env.SECRET_KEY_1234567890",
      "const tokenType = TokenType.Identifier1;",
      'secret_key: "test-secret-key-0123456789"',
      "access_key = get_access_key(profile2)",
      'api_key: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
      'api_key: "EXAMPLEEXAMPLEEXEXEXAMPLEEXAMPLE"',
    ],
  },
};
