/**
 * Append-only release history per environment, `<environments>/history/<env>.jsonl`, committed
 * next to the pins so a pull request shows both. A release appends a full "pending" record
 * before the pins are written and a short status record at each later step; earlier lines are
 * never rewritten. A release moves pending -> written (pins on disk) -> applying -> applied |
 * failed | interrupted; a write-only release stops at written. A release whose last record is
 * pending, or applying by a process that is gone, died mid-way: it reads as "interrupted".
 * The applying/applied records are appended where the release is applied; how the apply ended is
 * also kept with the state (release/marks.ts), and a reader passes those marks in so that a release
 * applied from another machine reads as applied there too.
 */
import { execFileSync } from "child_process";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ReleaseMark } from "../engine";
import { appendLine } from "../files";
import { runningHere } from "../state/lock";
import { environmentsDir, type PinChange, type Pins } from "./pins";

export type ReleaseKind = "promote" | "rollback" | "forced-promote";
export type ReleaseStatus = "pending" | "written" | "applying" | "applied" | "failed" | "interrupted";

/** The full record of one release attempt, appended with status "pending" before anything is written. */
export interface ReleaseRecord {
    type: "release";
    id: string;
    kind: ReleaseKind;
    env: string;
    /** Source environment of a promotion, or the release a rollback returns to. */
    from?: string;
    at: string;
    by: string;
    previous: Pins & { id?: string };
    pins: Pins;
    changed: PinChange[];
    status: "pending";
    /** Why the promotion rules were overridden (--force --reason). */
    forced?: string;
    /** For a rollback: the release it undoes. */
    undoes?: string;
}

/** A later status of a release: written (pins on disk), applying, applied, failed or interrupted. */
export interface StatusRecord {
    type: "status";
    id: string;
    env: string;
    at: string;
    status: Exclude<ReleaseStatus, "pending">;
    /** Layers that failed, or the first line of the error; never state or secret values. */
    error?: string;
    /** For applying: the process applying it, so a reader can tell a live apply from a dead one. */
    pid?: number;
    hostname?: string;
    /** For applied or failed: how each app's canary rollout ended, e.g. "app healthy" (release/rollouts.ts). */
    rollouts?: string[];
}

/** A release as people see it: the record with its latest status folded in. */
export interface Release extends Omit<ReleaseRecord, "type" | "status"> {
    status: ReleaseStatus;
    updatedAt: string;
    error?: string;
    /** How each app's canary rollout ended in the apply, when the environment rolls out progressively. */
    rollouts?: string[];
    /** "state" when the status is the mark kept with the state, newer than anything in the history file. */
    statusFrom?: "state";
}

export function historyFile(env: string, dir: string = environmentsDir()): string {
    return path.join(dir, "history", `${env}.jsonl`);
}

/** A release id such as r-20250101-120000-1a2b3c4: sortable by time, unique by hash. */
export function newReleaseId(now: Date, seed: unknown): string {
    const iso = now.toISOString();
    const stamp = `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}`;
    const h = createHash("sha256").update(JSON.stringify(seed)).update(randomBytes(8)).digest("hex").slice(0, 7);
    return `r-${stamp}-${h}`;
}

/** Who is releasing: git user.name <email> when configured, else the OS user. Never a token. */
export function releaseActor(): string {
    const git = (key: string): string => {
        try {
            return execFileSync("git", ["config", "--get", key], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 2000 }).trim();
        } catch {
            return "";
        }
    };
    const name = git("user.name");
    const email = git("user.email");
    if (name || email) return email ? `${name || email} <${email}>`.trim() : name;
    try {
        return os.userInfo().username;
    } catch {
        return "unknown";
    }
}

/** Appends one record (O_APPEND, fsync); never touches earlier lines. Mode 0644: it is committed for review. */
export function appendRecord(record: ReleaseRecord | StatusRecord, dir: string = environmentsDir()): void {
    appendLine(historyFile(record.env, dir), JSON.stringify(record), 0o644);
}

/** Every parseable line of the history; a line torn by a crash mid-append is skipped. */
export function readRecords(env: string, dir: string = environmentsDir()): (ReleaseRecord | StatusRecord)[] {
    const file = historyFile(env, dir);
    if (!fs.existsSync(file)) return [];
    const out: (ReleaseRecord | StatusRecord)[] = [];
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
            const rec = JSON.parse(line);
            if (rec && (rec.type === "release" || rec.type === "status") && typeof rec.id === "string") out.push(rec);
        } catch {
            // A torn final line from a killed append: the attempt shows as interrupted.
        }
    }
    return out;
}

/**
 * Releases oldest first, each with its true state: its latest status, where a release left
 * pending, or applying by a process that is gone, reads "interrupted". A mark kept with the state
 * (`marks`) that is newer than the release's last record gives its status instead, with
 * `statusFrom: "state"`; on a tie the file wins (the applying machine wrote both at one time).
 */
export function listReleases(env: string, dir: string = environmentsDir(), marks: readonly ReleaseMark[] = []): Release[] {
    const byId = new Map<string, Release>();
    const lastStatus = new Map<string, StatusRecord>();
    for (const rec of readRecords(env, dir)) {
        if (rec.type === "release") {
            const { type: _type, status: _status, ...rest } = rec;
            byId.set(rec.id, { ...rest, status: "pending", updatedAt: rec.at });
        } else {
            const r = byId.get(rec.id);
            if (r) Object.assign(r, { status: rec.status, updatedAt: rec.at, error: rec.error }, rec.rollouts ? { rollouts: rec.rollouts } : {});
            lastStatus.set(rec.id, rec);
        }
    }
    const markOf = new Map<string, ReleaseMark>();
    for (const m of marks) if (!markOf.has(m.id) || Date.parse(m.at) > Date.parse(markOf.get(m.id)!.at)) markOf.set(m.id, m);
    return [...byId.values()].map((r) => {
        const last = lastStatus.get(r.id);
        const died = r.status === "pending" || (r.status === "applying" && !runningHere(last?.pid, last?.hostname));
        const mark = markOf.get(r.id);
        if (mark && Date.parse(mark.at) > Date.parse(r.updatedAt)) {
            const { error: _error, rollouts: _rollouts, ...rest } = r;
            return { ...rest, status: mark.status, updatedAt: mark.at, statusFrom: "state" as const, ...(mark.rollouts ? { rollouts: mark.rollouts } : {}) };
        }
        return died ? { ...r, status: "interrupted" as const } : r;
    });
}

/** Records that a written release is being applied, by this process. */
export function markApplying(env: string, id: string, dir: string = environmentsDir()): void {
    appendRecord({ type: "status", id, env, at: new Date().toISOString(), status: "applying", pid: process.pid, hostname: os.hostname() }, dir);
}

/** One release by id; InputError-style message listing the known ids when absent. */
export function findRelease(env: string, id: string, dir: string = environmentsDir()): Release | undefined {
    return listReleases(env, dir).find((r) => r.id === id);
}

/** Records the final status of a release (after the pins are written, or after the apply); returns the record. */
export function finishRelease(env: string, id: string, status: StatusRecord["status"], error?: string, dir: string = environmentsDir(), rollouts?: string[]): StatusRecord {
    const record: StatusRecord = {
        type: "status", id, env, at: new Date().toISOString(), status,
        ...(error ? { error: error.split("\n")[0].slice(0, 300) } : {}),
        ...(rollouts && rollouts.length > 0 ? { rollouts } : {}),
    };
    appendRecord(record, dir);
    return record;
}
