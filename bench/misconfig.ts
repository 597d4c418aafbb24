/**
 * `npm run bench -- misconfig [--generated N] [--corpus DIR]… [--kubectl N]`: scan
 * throughput (files/s) of `scan config` beside a plain YAML parse of the same files, on
 *  - real YAML on this machine: every .yaml/.yml under each --corpus DIR (default: the
 *    YAML trees shipped by installed packages, /usr/lib/google-cloud-sdk and /usr/share);
 *  - manifests printed by a real client: `kubectl create … --dry-run=client -o yaml` for
 *    eight kinds, written N times with distinct names (default 3000 files);
 *  - the generated platform-repo mix below (default 10,000 files).
 * The plain parse is the `yaml` package (what the full path uses) and js-yaml's loadAll
 * (the fast path's engine), reading the same files. Goal: at least 50% of the plain parse.
 * Node runs the scan on one thread, so these are one-core figures.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadAll } from "js-yaml";
import { parseAllDocuments } from "yaml";
import { scanConfigPath } from "../packages/scanner/src/misconfig/engine.js";
import { listConfigFiles } from "../packages/scanner/src/misconfig/files.js";

const GOAL_FILES_PER_SECOND = 2000;

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: team-${i % 37}
  labels: { app: svc-${i} }
spec:
  replicas: ${1 + (i % 3)}
  selector:
    matchLabels: { app: svc-${i} }
  template:
    metadata:
      labels: { app: svc-${i}, tier: ${i % 2 ? "web" : "worker"} }
    spec:
      serviceAccountName: svc-${i}
      securityContext:
        runAsNonRoot: true
        runAsUser: ${10000 + i}
        seccompProfile: { type: RuntimeDefault }
      containers:
        - name: app
          image: registry.example.com/team/svc-${i}:1.${i % 50}.0
          ports: [{ containerPort: 8080 }]
          env:
            - { name: LOG_LEVEL, value: info }
            - { name: DB_HOST, value: db.team-${i % 37}.svc }
          securityContext:
            allowPrivilegeEscalation: ${i % 10 === 0}
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 256Mi }
          readinessProbe: { httpGet: { path: /ready, port: 8080 } }
          livenessProbe: { httpGet: { path: /healthz, port: 8080 } }
---
apiVersion: v1
kind: Service
metadata: { name: svc-${i}, namespace: team-${i % 37} }
spec:
  type: ${i % 25 === 0 ? "NodePort" : "ClusterIP"}
  selector: { app: svc-${i} }
  ports: [{ port: 80, targetPort: 8080 }]
`;
}

function cronjob(i: number): string {
  return `apiVersion: batch/v1
kind: CronJob
metadata: { name: job-${i}, namespace: team-${i % 37} }
spec:
  schedule: "*/15 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: job
              image: registry.example.com/team/job-${i}:2.0.${i % 9}
              args: ["--once"]
`;
}

function rbac(i: number): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: reader-${i}, namespace: team-${i % 37} }
rules:
  - apiGroups: [""]
    resources: ["configmaps", "${i % 20 === 0 ? "secrets" : "services"}"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: reader-${i}, namespace: team-${i % 37} }
subjects: [{ kind: ServiceAccount, name: svc-${i}, namespace: team-${i % 37} }]
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader-${i} }
`;
}

function configmap(i: number): string {
  return `apiVersion: v1
kind: ConfigMap
metadata: { name: cfg-${i}, namespace: team-${i % 37} }
data:
  app.properties: |
    feature.a=true
    feature.b=${i % 2 === 0}
  LOG_FORMAT: json
`;
}

const makers = [deployment, deployment, cronjob, rbac, configmap];

/** Writes `count` manifests into `dir`; returns their total size in bytes. */
export function generateManifests(dir: string, count: number): number {
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const text = makers[i % makers.length]!(i);
    bytes += text.length;
    writeFileSync(join(dir, `m${String(i).padStart(5, "0")}.yaml`), text);
  }
  return bytes;
}

/** The eight kinds kubectl can print offline, each once; later copies get distinct names. */
function kubectlTemplates(): string[] {
  const k = (...args: string[]): string => {
    // The output flags go before `--` (what follows it is the container's command).
    const dash = args.indexOf("--");
    const at = dash < 0 ? args.length : dash;
    return execFileSync(
      "kubectl",
      [...args.slice(0, at), "--dry-run=client", "-o", "yaml", ...args.slice(at)],
      {
        encoding: "utf8",
        env: { ...process.env, KUBECONFIG: "/dev/null" },
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
  };
  return [
    k(
      "create",
      "deployment",
      "NAME",
      "--image=registry.example.com/app:1.4.2",
      "--replicas=3",
      "--port=8080",
    ),
    k("create", "service", "nodeport", "NAME", "--tcp=80:8080"),
    k("create", "cronjob", "NAME", "--image=busybox:1.36", "--schedule=*/5 * * * *", "--", "date"),
    k("create", "job", "NAME", "--image=busybox:1.36", "--", "date"),
    k("create", "serviceaccount", "NAME"),
    k("create", "rolebinding", "NAME", "--role=NAME", "--serviceaccount=apps:NAME"),
    k("create", "configmap", "NAME", "--from-literal=LOG_LEVEL=info", "--from-literal=MODE=fast"),
    k("create", "ingress", "NAME", "--rule=shop.example.com/=NAME:80,tls=NAME-tls"),
  ];
}

function writeKubectlCorpus(dir: string, count: number): boolean {
  let templates: string[];
  try {
    templates = kubectlTemplates();
  } catch {
    return false;
  }
  for (let i = 0; i < count; i++)
    writeFileSync(
      join(dir, `k${String(i).padStart(5, "0")}.yaml`),
      templates[i % templates.length]!.replaceAll("NAME", `app-${i}`),
    );
  return true;
}

/** Copies of every YAML file under `src` (flat, so each tree is one scan of plain files). */
function copyYamlTree(src: string, dest: string, limit: number): number {
  let n = 0;
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (n >= limit) return;
      const p = join(d, e.name);
      if (e.isDirectory() && !e.isSymbolicLink()) walk(p);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
        try {
          writeFileSync(join(dest, `r${String(n).padStart(6, "0")}.yaml`), readFileSync(p));
          n++;
        } catch {
          // unreadable: not part of the corpus
        }
      }
    }
  };
  walk(src);
  return n;
}

interface Figures {
  files: number;
  mib: number;
  scan: number;
  yaml: number;
  jsYaml: number;
  findings: number;
  issues: number;
}

/** Scan throughput and the two plain parses over the same directory, as files per CPU-second. */
async function measure(dir: string): Promise<Figures> {
  const { files } = await listConfigFiles(dir);
  const texts = files.map((f) => readFileSync(f.path, "utf8"));
  const cpuSeconds = async (fn: () => unknown): Promise<number> => {
    const start = process.cpuUsage();
    await fn();
    const u = process.cpuUsage(start);
    return (u.user + u.system) / 1e6;
  };
  const plain = (parse: (t: string) => unknown) => () => {
    // Read and parse, as the scan does; a parse error counts as parsed (the scan reports it).
    for (const f of files)
      try {
        parse(readFileSync(f.path, "utf8"));
      } catch {
        // counted
      }
  };
  const yamlSeconds = await cpuSeconds(
    plain((t) => parseAllDocuments(t).map((d) => d.toJS({ maxAliasCount: 100 }))),
  );
  const jsYamlSeconds = await cpuSeconds(plain((t) => loadAll(t)));
  let result: Awaited<ReturnType<typeof scanConfigPath>> | undefined;
  const scanSeconds = await cpuSeconds(async () => {
    result = await scanConfigPath(dir, { cacheDir: dir, scanners: ["misconfig"] });
  });
  return {
    files: files.length,
    mib: texts.reduce((n, t) => n + t.length, 0) / 2 ** 20,
    scan: files.length / scanSeconds,
    yaml: files.length / yamlSeconds,
    jsYaml: files.length / jsYamlSeconds,
    findings: result?.findings.length ?? 0,
    issues: result?.issues?.length ?? 0,
  };
}

function print(name: string, f: Figures): void {
  const pct = (x: number): string => `${((100 * f.scan) / x).toFixed(0)}%`;
  console.log(
    `\n${name}: ${f.files} files, ${f.mib.toFixed(1)} MiB, ${f.findings} findings, ${f.issues} issues`,
  );
  console.log(`  bulwark scan config      ${f.scan.toFixed(0).padStart(7)} files/CPU-s`);
  console.log(
    `  plain parse (yaml)       ${f.yaml.toFixed(0).padStart(7)} files/CPU-s   scan = ${pct(f.yaml)}   ${f.scan >= 0.5 * f.yaml ? "MET" : "NOT MET"} (goal ≥ 50%)`,
  );
  console.log(
    `  plain parse (js-yaml)    ${f.jsYaml.toFixed(0).padStart(7)} files/CPU-s   scan = ${pct(f.jsYaml)}`,
  );
}

function flag(args: string[], name: string): string[] {
  return args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]!] : []));
}

export async function run(args: string[]): Promise<void> {
  const generated = Number(flag(args, "--generated")[0] ?? 10_000);
  const kubectl = Number(flag(args, "--kubectl")[0] ?? 3000);
  const corpora = flag(args, "--corpus");
  const defaults = ["/usr/lib/google-cloud-sdk", "/usr/share"].filter((d) => existsSync(d));
  const work = mkdtempSync(join(tmpdir(), "bulwark-bench-misconfig-"));
  try {
    for (const [i, src] of (corpora.length ? corpora : defaults).entries()) {
      const dir = join(work, `real-${i}`);
      mkdirSync(dir);
      const n = copyYamlTree(src, dir, 20_000);
      // A handful of files measures start-up, not throughput.
      if (n >= 100) print(`real YAML from ${src}`, await measure(dir));
      else console.log(`\nreal YAML from ${src}: ${n} files, too few to measure (skipped)`);
    }
    const kdir = join(work, "kubectl");
    mkdirSync(kdir);
    if (kubectl > 0 && writeKubectlCorpus(kdir, kubectl))
      print("kubectl-printed manifests", await measure(kdir));
    else console.log("\nkubectl-printed manifests: skipped (kubectl not available)");
    const gdir = join(work, "generated");
    mkdirSync(gdir);
    generateManifests(gdir, generated);
    const g = await measure(gdir);
    print("generated platform mix", g);
    console.log(
      `  goal (absolute)          ${String(GOAL_FILES_PER_SECOND).padStart(7)} files/s on one core   ${g.scan >= GOAL_FILES_PER_SECOND ? "MET" : "NOT MET"}`,
    );
    // A loaded machine slows every figure alike; CPU time is what one core spent.
    const [load1] = loadavg();
    console.log(
      `\nmachine: load average ${load1!.toFixed(2)} over ${cpus().length} CPUs; figures are per CPU-second`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
