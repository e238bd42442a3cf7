/**
 * A verifying thread (see verifyPool.ts): reads a small package whole and runs steps 1 to 7 of the verifier on it (the
 * container, the signature, every entry's SHA-256 and CRC-32, the documents parsed), then hands the bytes and what it
 * learnt back to the thread that owns the store, which finishes the checks and stores the package. For a large package
 * streamed by another thread it is the CRC-32 lane: it computes the CRC-32s of the chunk the streaming thread is hashing
 * (a view of shared memory), so the two digests run on two cores. Started only by verifyPool.ts; never imported by
 * anything else.
 */
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { Limits } from './format';
import { lookupOf } from './trust';
import { verifyContainer, type TrustEntry } from './verify';
import { crc32 } from './zipread';
import type { CrcRequest, PoolReply, PoolRequest } from './verifyPool';

const port = parentPort!;
let trust: { id: number; lookup: ReturnType<typeof lookupOf> } | null = null;

port.on('message', (m: PoolRequest | CrcRequest) => {
  if (m.kind === 'crc') {
    // A large package's CRC-32 lane: the bytes stay in the streaming thread's shared buffer.
    port.postMessage({ id: m.id, kind: 'crc', crcs: m.parts.map((p) => crc32(p.data, p.prev)) } satisfies PoolReply);
    return;
  }
  void (async (): Promise<PoolReply> => {
    if (m.trust) trust = { id: m.trustId, lookup: lookupOf(m.trust.map((e) => ({ ...e, publicKey: Buffer.from(e.publicKey) })) as TrustEntry[]) };
    if (!trust || trust.id !== m.trustId) return { id: m.id, kind: 'error', message: 'trust snapshot missing' };
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(m.file);
    } catch {
      return { id: m.id, kind: 'unreadable' };
    }
    try {
      const r = await verifyContainer(bytes, trust.lookup, m.limits as Partial<Limits> | undefined);
      return { id: m.id, kind: 'verified', bytes, v: r.v, passed: r.passed };
    } catch (e) {
      return { id: m.id, kind: 'error', message: e instanceof Error ? e.message : String(e) };
    }
  })().then((reply) => {
    const transfer = reply.kind === 'verified' && reply.bytes.byteOffset === 0 && reply.bytes.byteLength === reply.bytes.buffer.byteLength ? [reply.bytes.buffer as ArrayBuffer] : [];
    port.postMessage(reply, transfer);
  });
});
// Loaded and listening: from now on the CRC-32 lane asks this thread (before, the streaming thread computes them itself).
port.postMessage({ id: 0, kind: 'ready' } satisfies PoolReply);
