/**
 * Alerts appended to a file, one line each, rotated by size: FILE → FILE.1 → … →
 * FILE.<keep>; the oldest is dropped. Writes are synchronous so an alert is on disk
 * before the next event is evaluated.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { formatAlert, type Alert, type AlertFormat } from "../alert.js";
import type { AlertOutput } from "./types.js";

export interface FileOutputOptions {
  path: string;
  format?: AlertFormat;
  maxBytes?: number;
  keep?: number;
}

export class FileOutput implements AlertOutput {
  readonly name: string;
  errors = 0;
  private size: number;

  constructor(private readonly o: FileOutputOptions) {
    this.name = `file:${o.path}`;
    mkdirSync(dirname(o.path), { recursive: true });
    this.size = existsSync(o.path) ? statSync(o.path).size : 0;
  }

  send(alert: Alert): void {
    const line = `${formatAlert(alert, this.o.format ?? "json")}\n`;
    try {
      if (this.size + Buffer.byteLength(line) > (this.o.maxBytes ?? 64 * 1024 * 1024) && this.size > 0)
        this.rotate();
      appendFileSync(this.o.path, line);
      this.size += Buffer.byteLength(line);
    } catch {
      this.errors++;
    }
  }

  private rotate(): void {
    const keep = Math.max(1, this.o.keep ?? 5);
    rmSync(`${this.o.path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      if (existsSync(`${this.o.path}.${i}`)) renameSync(`${this.o.path}.${i}`, `${this.o.path}.${i + 1}`);
    }
    renameSync(this.o.path, `${this.o.path}.1`);
    this.size = 0;
  }

  async close(): Promise<void> {}
}
