import fs from 'node:fs';
import path from 'node:path';
import type { Page, Route } from '@playwright/test';
import yauzl from 'yauzl';
import { callApi, expect as baseExpect, exportedFile, importPackageFiles, setCommuneProfile, shot, startWebApp, test, type WebApp } from './fixtures';

// Each step here waits on a chain (save → answer → re-render → next call); on a loaded machine that takes seconds.
const expect = baseExpect.configure({ timeout: 30_000 });

/**
 * The one autosave (issue 9, item 1), end to end in Chromium against browser mode:
 *  - a correction typed on a criterion and submitted at once (summary → submit → confirm) is in the submitted revision,
 *    its report and its signed package;
 *  - a review edit typed and followed at once by the summary and the decision is in the decided review, its minutes and
 *    its signed package;
 *  - an edit the core refuses (the revision was submitted meanwhile) is shown with its field, value and reason, kept
 *    across a reload, and goes only when the user discards it.
 * To make the race certain rather than likely, the page's save call is held at the network until the action was
 * clicked: before this autosave, the action reached the core first (or the save was never sent).
 */

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'scoring', 'recognised-other.json'), 'utf8')) as {
  values: Record<string, unknown>;
};
const COMMUNE_PASS = 'Mỹ Cẩm bảo vệ trẻ em 2025';
const TEAM_PASS = 'Càng Long thẩm định 2025';

test.setTimeout(180_000);
test.use({ actionTimeout: 15_000 });

/** One entry of a ZIP file (a DOCX, a package). */
function zipEntry(file: string, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName !== name) return zip.readEntry();
        zip.openReadStream(e, (er, s) => {
          if (er || !s) return reject(er ?? new Error('no stream'));
          const parts: Buffer[] = [];
          s.on('data', (d: Buffer) => parts.push(d));
          s.on('end', () => {
            zip.close();
            resolve(Buffer.concat(parts));
          });
        });
      });
      zip.on('end', () => reject(new Error(`${name} not in ${file}`)));
      zip.readEntry();
    });
  });
}
/** The visible text of a DOCX (its runs joined), to look for a value. */
async function docxText(file: string): Promise<string> {
  const xml = (await zipEntry(file, 'word/document.xml')).toString('utf8');
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
}

/**
 * Holds every call of `name` the page makes until `release()`, and records the order in which the page sent calls.
 */
async function holdCall(page: Page, name: string, log: string[]) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  await page.route(`**/api/${name}`, async (route: Route) => {
    log.push(name);
    await gate;
    await route.continue();
  });
  return release;
}
async function logCall(page: Page, name: string, log: string[]) {
  await page.route(`**/api/${name}`, async (route: Route) => {
    log.push(name);
    await route.continue();
  });
}

type Step = { fill: string; value: string } | { testid: string } | { button: string } | { link: string };

/**
 * Types and clicks inside the page, as fast as the page renders (each step waits only for its element to appear and
 * be enabled), and returns how long it took: a user typing a value and clicking on at once, without the round trips
 * of the test driver (which on a loaded machine take longer than the autosave's debounce).
 */
function burst(page: Page, steps: Step[]): Promise<number> {
  return page.evaluate(async (steps) => {
    const t0 = performance.now();
    const find = (s: Step): HTMLElement | null => {
      if ('fill' in s) return document.querySelector<HTMLElement>(`[aria-label="${s.fill}"]`);
      if ('testid' in s) return document.querySelector<HTMLElement>(`[data-testid="${s.testid}"]`);
      if ('link' in s) return [...document.querySelectorAll<HTMLAnchorElement>('a')].find((a) => a.textContent?.trim() === s.link) ?? null;
      return [...document.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.trim() === s.button && !b.disabled) ?? null;
    };
    for (const s of steps) {
      let el = find(s);
      while (!el) {
        await new Promise((r) => requestAnimationFrame(r));
        el = find(s);
      }
      if ('fill' in s) {
        const input = el as HTMLInputElement | HTMLTextAreaElement;
        const proto = input instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
        Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(input, s.value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      } else el.click();
    }
    return performance.now() - t0;
  }, steps);
}

async function filledAssessment(app: WebApp): Promise<string> {
  await setCommuneProfile(app);
  const a = await callApi<{ id: string }>(app, 'assessments.create', { unitCode: '29266', year: 2025 });
  for (const [indicatorId, value] of Object.entries(fixture.values)) await callApi(app, 'assessments.setValue', { id: a.id, indicatorId, value });
  return a.id;
}

test('a correction typed and submitted at once is in the submitted revision, its report and its package', async ({ page, app }) => {
  const id = await filledAssessment(app);
  await callApi(app, 'keys.create', { name: 'Nguyễn Thị Hồng', title: 'Chủ tịch', organisation: 'UBND Xã Càng Long', role: 'commune', unitCode: '29266', passphrase: COMMUNE_PASS });
  await page.goto(app.url);
  await page.goto(`${app.origin}/#/assessments/${id}/2`);
  const num = page.getByLabel('Tử số chỉ tiêu 2.1', { exact: true });
  await expect(num).toHaveValue('118');

  const log: string[] = [];
  const release = await holdCall(page, 'assessments.setValue', log);
  await logCall(page, 'assessments.submit', log);
  await logCall(page, 'reports.selfAssessment', log);

  // Type, then straight to the summary and submit (three clicks), no waiting for the save.
  const ms = await burst(page, [{ fill: 'Tử số chỉ tiêu 2.1', value: '110' }, { testid: 'step-summary' }, { button: 'Nộp bản đánh giá' }, { button: 'Nộp' }]);
  console.log(`typed → submit clicked in ${ms.toFixed(0)} ms (the autosave waits ${400} ms; the save call is also held at the network)`);
  // The submit waits for the save: nothing but the save has gone out.
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-status', 'saving');
  await expect.poll(() => log).toEqual(['assessments.setValue']);
  await shot(page, 'autosave-01-submit-waits-for-save');
  release();
  await expect(page.getByTestId('readonly-banner')).toBeVisible();
  expect(log).toEqual(['assessments.setValue', 'assessments.submit']);
  await shot(page, 'autosave-02-submitted');

  // The submitted revision holds the correction.
  const got = await callApi<{ status: string; entries: Record<string, { value: unknown }> }>(app, 'assessments.get', { id });
  expect(got.status).toBe('submitted');
  expect(got.entries['2.1']!.value).toEqual({ numerator: 110, denominator: 120 });

  // Its report, asked for from the page, says 110/120.
  await page.getByRole('button', { name: 'Báo cáo (DOCX)' }).click();
  await expect(page.getByTestId('report-link-docx')).toBeVisible({ timeout: 30_000 });
  const report = await callApi<{ fileName: string }>(app, 'reports.selfAssessment', { id, format: 'docx' });
  expect(await docxText(path.join(app.dataDir, 'reports', report.fileName))).toContain('110/120');

  // Its signed package too, and it verifies.
  const pkg = await callApi<{ fileName: string }>(app, 'packages.export', { id, passphrase: COMMUNE_PASS });
  const inPkg = JSON.parse((await zipEntry(exportedFile(app, pkg.fileName), 'assessment.json')).toString('utf8')) as { entries: Record<string, { value: unknown }> };
  expect(inPkg.entries['2.1']!.value).toEqual({ numerator: 110, denominator: 120 });
});

test('an edit refused because the revision was submitted meanwhile is shown, kept across a reload, and goes only when discarded', async ({ page, app }) => {
  const id = await filledAssessment(app);
  await page.goto(app.url);
  await page.goto(`${app.origin}/#/assessments/${id}/2`);
  const num = page.getByLabel('Tử số chỉ tiêu 2.1', { exact: true });
  await expect(num).toHaveValue('118');

  const log: string[] = [];
  const release = await holdCall(page, 'assessments.setValue', log);
  await num.fill('111');
  await expect.poll(() => log).toEqual(['assessments.setValue']);
  // Someone else (another window, the CLI) submits the revision while the save is on its way.
  await callApi(app, 'assessments.submit', { id });
  release();

  const refused = page.getByTestId('refused-edits');
  await expect(refused).toBeVisible();
  const row = refused.getByTestId('refused-2.1.value');
  await expect(row).toContainText('Giá trị chỉ tiêu 2.1');
  await expect(row.getByTestId('refused-value')).toHaveText('111/120 (92,50%)');
  await expect(row.getByTestId('refused-why')).toContainText('đã nộp nên chỉ được xem');
  await expect(page.getByTestId('save-state')).toContainText('1 thay đổi không được lưu');
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-status', 'refused');
  // The page now shows the revision as it is: submitted, read-only.
  await expect(page.getByTestId('readonly-banner')).toBeVisible();
  await expect(num).toBeDisabled();
  await shot(page, 'autosave-03-refused');
  // The core kept the submitted value; the page says so rather than pretending.
  const got = await callApi<{ entries: Record<string, { value: unknown }> }>(app, 'assessments.get', { id });
  expect(got.entries['2.1']!.value).toEqual({ numerator: 118, denominator: 120 });

  // A reload does not lose it (the local copy is marked refused, and not sent again).
  await page.unroute('**/api/assessments.setValue');
  const sent: string[] = [];
  await logCall(page, 'assessments.setValue', sent);
  await page.reload();
  await expect(page.getByTestId('readonly-banner')).toBeVisible();
  await expect(page.getByTestId('refused-edits').getByTestId('refused-2.1.value').getByTestId('refused-value')).toHaveText('111/120 (92,50%)');
  expect(sent).toEqual([]);

  // In English too.
  await page.getByText('English', { exact: true }).click();
  await expect(page.getByTestId('refused-edits')).toContainText('Changes that were not saved');
  await expect(page.getByTestId('refused-edits').getByTestId('refused-why')).toContainText('read-only');
  await expect(page.getByTestId('save-state')).toContainText('1 change(s) not saved');
  await shot(page, 'autosave-04-refused-en');
  await page.getByText('Tiếng Việt', { exact: true }).click();

  // Discarded on purpose: gone, also after a reload.
  await page.getByRole('button', { name: 'Bỏ thay đổi không lưu được: Giá trị chỉ tiêu 2.1' }).click();
  await expect(page.getByTestId('refused-edits')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('readonly-banner')).toBeVisible();
  await expect(page.getByTestId('refused-edits')).toHaveCount(0);
  expect(sent).toEqual([]);
});

test('a submit with an edit refused by the core is stopped and says which one', async ({ page, app }) => {
  const id = await filledAssessment(app);
  await page.goto(app.url);
  await page.goto(`${app.origin}/#/assessments/${id}/2`);
  await expect(page.getByLabel('Tử số chỉ tiêu 2.1', { exact: true })).toHaveValue('118');
  // The core refuses this one save (as it would a value it finds wrong).
  await page.route('**/api/assessments.setValue', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, error: { code: 'invalid_input', field: 'value', message: { vi: 'Giá trị bị từ chối (thử nghiệm)', en: 'Value refused (test)' } } }),
    }),
  );
  const submits: string[] = [];
  await logCall(page, 'assessments.submit', submits);
  await page.getByLabel('Tử số chỉ tiêu 2.1', { exact: true }).fill('100');
  await page.getByTestId('step-summary').click();
  await page.getByRole('button', { name: 'Nộp bản đánh giá' }).click();
  await page.getByRole('dialog', { name: 'Nộp bản đánh giá?' }).getByRole('button', { name: 'Nộp', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Chưa thực hiện: 1 thay đổi không được lưu (Giá trị chỉ tiêu 2.1)' })).toBeVisible();
  await expect(page.getByTestId('refused-2.1.value').getByTestId('refused-why')).toHaveText('Giá trị bị từ chối (thử nghiệm)');
  expect(submits).toEqual([]);
  const got = await callApi<{ status: string }>(app, 'assessments.get', { id });
  expect(got.status).toBe('draft');
  await shot(page, 'autosave-05-submit-stopped');
});

test('offline: the status says so and the edit is retried; leaving the page at once still stores what was typed', async ({ page, app }) => {
  const id = await filledAssessment(app);
  await page.goto(app.url);
  await page.goto(`${app.origin}/#/assessments/${id}/2`);
  const note = page.getByLabel('Ghi chú chỉ tiêu 2.1');
  await expect(note).toBeVisible();
  const stored = async () => (await callApi<{ entries: Record<string, { note: string }> }>(app, 'assessments.get', { id })).entries['2.1']!.note;

  // The connection drops: the save fails as `offline`, is kept, and the status says when it is tried again. It stays
  // down (the automatic retries fail too) until "Thử lại ngay" has been clicked: the page marks the click before React
  // handles it, so the attempt that click sends is the first to get through, whatever the load on the machine.
  await page.evaluate(() =>
    document.addEventListener('click', (e) => {
      if ((e.target as Element).closest('[data-testid="save-state"] button')) (window as unknown as { retryClicked: boolean }).retryClicked = true;
    }, true),
  );
  const back = () => page.evaluate(() => (window as unknown as { retryClicked?: boolean }).retryClicked === true);
  await page.route('**/api/assessments.setNote', async (route) => ((await back()) ? route.continue() : route.abort('internetdisconnected')));
  await note.fill('Sổ đăng ký khai sinh năm 2025');
  const status = page.getByTestId('save-state');
  await expect(status).toHaveAttribute('data-status', 'retrying');
  await expect(status).toContainText('Mất kết nối: chưa lưu được, thử lại lúc');
  await shot(page, 'autosave-08-offline');
  await page.getByText('English', { exact: true }).click();
  await expect(status).toContainText('No connection: not saved yet, retrying at');
  await page.getByText('Tiếng Việt', { exact: true }).click();
  expect(await stored()).toBe('');
  // Back: the retry stores it (the button comes and goes while the automatic retries fail; the click waits for it).
  await status.getByRole('button', { name: 'Thử lại ngay' }).click();
  await expect(status).toContainText('Đã lưu lúc');
  expect(await stored()).toBe('Sổ đăng ký khai sinh năm 2025');
  await page.unroute('**/api/assessments.setNote');

  // Typed, then at once another page of the app (the workspace unmounts with the save still on its way).
  const log: string[] = [];
  const release = await holdCall(page, 'assessments.setNote', log);
  await burst(page, [{ fill: 'Ghi chú chỉ tiêu 2.1', value: 'Sổ đăng ký khai sinh năm 2025, đối chiếu ngày 3/6' }, { link: 'Gói hồ sơ' }]);
  await expect(page).toHaveURL(/#\/packages/);
  await expect.poll(() => log).toEqual(['assessments.setNote']);
  release();
  await expect.poll(stored).toBe('Sổ đăng ký khai sinh năm 2025, đối chiếu ngày 3/6');
  await page.goto(`${app.origin}/#/assessments/${id}/2`);
  await expect(page.getByLabel('Ghi chú chỉ tiêu 2.1')).toHaveValue('Sổ đăng ký khai sinh năm 2025, đối chiếu ngày 3/6');
});

test('a review edit followed at once by the summary and the decision is in the decided review, its minutes and its package', async ({ browser }) => {
  const apps: WebApp[] = [];
  try {
    const a = await startWebApp();
    apps.push(a);
    const created = await filledAssessment(a);
    await callApi(a, 'assessments.submit', { id: created });
    await callApi(a, 'keys.create', { name: 'Nguyễn Thị Hồng', title: 'Chủ tịch', organisation: 'UBND Xã Càng Long', role: 'commune', unitCode: '29266', passphrase: COMMUNE_PASS });
    const communeKey = await callApi<{ content: string }>(a, 'keys.exportPublic', {});
    const communePkg = await callApi<{ fileName: string }>(a, 'packages.export', { id: created, passphrase: COMMUNE_PASS });

    const b = await startWebApp();
    apps.push(b);
    await callApi(b, 'profile.set', { role: 'assessor', unitCode: '86', organisation: 'Ủy ban nhân dân Tỉnh Vĩnh Long', userName: 'Trần Văn Bình', userTitle: 'Trưởng phòng LĐ-TB&XH' });
    await callApi(b, 'trust.add', { publicKey: communeKey.content });
    await importPackageFiles(b, [exportedFile(a, communePkg.fileName)]);
    await callApi(b, 'keys.create', { name: 'Trần Văn Bình', title: 'Trưởng phòng LĐ-TB&XH', organisation: 'UBND Tỉnh Vĩnh Long', role: 'assessor', unitCode: '86', passphrase: TEAM_PASS });

    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await page.goto(b.url);
    const row = page.getByTestId('inbox-29266-2025');
    await row.getByRole('button', { name: /Thẩm định Xã Càng Long 2025/ }).click();
    await expect(page.getByRole('heading', { name: /Thẩm định: Xã Càng Long năm 2025/ })).toBeVisible();
    const reviewId = /#\/reviews\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await callApi(b, 'reviews.setTeam', { id: reviewId, members: [{ name: 'Trần Văn Bình', title: 'Trưởng phòng LĐ-TB&XH' }] });
    await page.getByTestId('step-2').click();
    const c21 = page.getByTestId('review-2.1');
    await expect(c21.getByLabel('Tử số chỉ tiêu 2.1')).toHaveValue('118');

    // A finding typed, then at once another page of the app: the review screen unmounts, the finding is still stored.
    const finding = 'Đối chiếu sổ đăng ký khai sinh: 4 trường hợp đăng ký quá hạn.';
    const findingLog: string[] = [];
    const releaseFinding = await holdCall(page, 'reviews.setFinding', findingLog);
    await burst(page, [{ fill: 'Nhận xét tiêu chí 2', value: finding }, { link: 'Gói hồ sơ' }]);
    await expect(page).toHaveURL(/#\/packages/);
    await expect.poll(() => findingLog).toEqual(['reviews.setFinding']);
    releaseFinding();
    await expect.poll(async () => (await callApi<{ findings: Record<string, string> }>(b, 'reviews.get', { id: reviewId })).findings['2']).toBe(finding);
    await page.unroute('**/api/reviews.setFinding');
    await page.goto(`${b.origin}/#/reviews/${reviewId}/2`);
    await expect(page.getByLabel('Nhận xét tiêu chí 2')).toHaveValue(finding);
    await expect(c21.getByLabel('Tử số chỉ tiêu 2.1')).toHaveValue('118');

    const log: string[] = [];
    const release = await holdCall(page, 'reviews.setValue', log);
    await logCall(page, 'reviews.decide', log);
    await logCall(page, 'reviews.setNote', log);
    // The value, its reason and a note; then at once the summary (the cards unmount) and the decision.
    const ms = await burst(page, [
      { fill: 'Tử số chỉ tiêu 2.1', value: '114' },
      { fill: 'Lý do thay đổi chỉ tiêu 2.1', value: 'Sổ hộ tịch: 4 trẻ đăng ký quá hạn' },
      { fill: 'Ghi chú của đoàn cho chỉ tiêu 2.1', value: 'Đối chiếu sổ hộ tịch' },
      { testid: 'step-summary' },
      { button: 'Ghi quyết định' },
    ]);
    console.log(`typed → decide clicked in ${ms.toFixed(0)} ms (the autosave waits 400 ms; the value's save is also held at the network)`);
    const summary = page.getByTestId('review-summary');
    await expect(summary.getByTestId('decision-line')).toHaveCount(0);
    expect(log).not.toContain('reviews.decide');
    await shot(page, 'autosave-06-decide-waits-for-save');
    release();
    await expect(summary.getByTestId('decision-line')).toContainText('Quyết định: Công nhận');
    // Each save went before the decision.
    expect(log).toEqual(['reviews.setValue', 'reviews.setNote', 'reviews.decide']);
    await expect(summary.getByTestId('team-total')).toContainText('860/1000');
    await shot(page, 'autosave-07-decided');

    const got = await callApi<{ state: string; indicators: Record<string, { team: { value: unknown; reason: string | null; note: string } }> }>(b, 'reviews.get', { id: reviewId });
    expect(got.state).toBe('recognised');
    expect(got.indicators['2.1']!.team).toMatchObject({ value: { numerator: 114, denominator: 120 }, reason: 'Sổ hộ tịch: 4 trẻ đăng ký quá hạn', note: 'Đối chiếu sổ hộ tịch' });
    const minutes = await callApi<{ fileName: string }>(b, 'reviews.minutes', { id: reviewId, format: 'docx' });
    expect(await docxText(path.join(b.dataDir, 'reports', minutes.fileName))).toContain('114/120');
    const pkg = await callApi<{ fileName: string }>(b, 'reviews.export', { id: reviewId, passphrase: TEAM_PASS });
    const inPkg = JSON.parse((await zipEntry(exportedFile(b, pkg.fileName), 'assessment.json')).toString('utf8')) as { entries: Record<string, { value: unknown }> };
    expect(inPkg.entries['2.1']!.value).toEqual({ numerator: 114, denominator: 120 });
  } finally {
    for (const x of apps) {
      await x.stop();
      fs.rmSync(x.dataDir, { recursive: true, force: true });
    }
  }
});
