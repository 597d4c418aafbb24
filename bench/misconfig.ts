/**
 * `npm run bench -- misconfig [count]`: generates 10,000 Kubernetes manifests (Deployments
 * with a Service, CronJobs, RBAC, ConfigMaps: the mix of a real platform repo) into a temp
 * directory, scans them with `scan config` and prints files per second beside the goal.
 * Node runs the scan on one thread, so this is the one-core figure.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { scanConfigPath } from "../packages/scanner/src/misconfig/engine.js";

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

export async function run(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 10_000);
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-misconfig-"));
  try {
    const bytes = generateManifests(dir, count);
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const result = await scanConfigPath(dir, { cacheDir: dir, scanners: ["misconfig"] });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const filesPerSecond = count / seconds;
    const filesPerCpuSecond = count / cpuSeconds;
    console.log(`manifests:   ${count} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
    console.log(`findings:    ${result.findings.length} (issues ${result.issues?.length ?? 0})`);
    console.log(`time:        ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU`);
    // On a shared machine wall time includes waiting for the CPU; CPU time is what one core spent.
    const verdict = (v: number): string => (v >= GOAL_FILES_PER_SECOND ? "MET" : "NOT MET");
    console.log(`bulwark:     ${filesPerSecond.toFixed(0)} files/s wall-clock   ${verdict(filesPerSecond)}`);
    console.log(
      `bulwark:     ${filesPerCpuSecond.toFixed(0)} files per CPU-second   ${verdict(filesPerCpuSecond)}`,
    );
    console.log(`goal:        ${GOAL_FILES_PER_SECOND} files/s on one core`);
    // A loaded machine slows the wall-clock figure; the load average says how much to trust it.
    const [load1] = loadavg();
    console.log(`machine:     load average ${load1!.toFixed(2)} over ${cpus().length} CPUs`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
