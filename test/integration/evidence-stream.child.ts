/**
 * Run as its own process by evidence.test.ts: stages and attaches a large generated file through the service and
 * prints the peak resident memory, so the test can check that evidence is streamed, never held whole in memory.
 */
import { Readable } from 'node:stream';
import { testService } from '../helpers';
import { generatedChunks } from './evidence-data';

async function main() {
  const [dataDir, mb] = process.argv.slice(2);
  const s = testService(dataDir!);
  await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND', userName: 'A', userTitle: 'B' });
  await s.call('settings.set', { evidenceMaxMb: 1024 });
  const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const staged = await s.files.stage(Readable.from(generatedChunks(Number(mb))), 'video-frames.pdf');
  if (!staged.ok) throw new Error(JSON.stringify(staged.error));
  const attached = await s.call('evidence.attach', { id: a.id, indicatorId: '12.2', files: [{ stagedId: staged.value.stagedId, name: 'big.pdf' }] });
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  await s.close();
  process.stdout.write(JSON.stringify({ baseline, peak, sha256: attached.items[0]!.sha256, size: attached.items[0]!.size }) + '\n');
}

void main();
