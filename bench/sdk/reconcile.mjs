// The reconcile a user would write instead of rtksync, on the official `cloudflare` SDK: list
// the meetings, match them by title, create what is missing, and for what exists read the
// meeting (the list does not show nested objects such as ai_config), PATCH the managed fields
// that differ, then list its participants and add, edit or delete to match. Meetings are
// handled one at a time (--batch 1) or in batches of N at once (--batch 8, Promise.all); the
// calls of one meeting are sequential, as a straightforward script would make them.
//
// usage: node reconcile.mjs --desired FILE.json --batch N
// env:   RTK_BASE_URL (…/client/v4), RTK_TOKEN, RTK_ACCOUNT, RTK_APP
// prints one JSON line: {"wall_s": …, "created": …, "updated": …, "added": …, "edited": …,
//                        "deleted": …}
import { readFileSync } from 'node:fs';
import Cloudflare from 'cloudflare';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const desired = JSON.parse(readFileSync(arg('desired'), 'utf8')).meetings;
const batch = Number(arg('batch', '1'));
const account_id = process.env.RTK_ACCOUNT;
const app_id = process.env.RTK_APP;
const client = new Cloudflare({
  apiToken: process.env.RTK_TOKEN,
  baseURL: process.env.RTK_BASE_URL,
});
const meetings = client.realtimeKit.meetings;
const counts = { created: 0, updated: 0, added: 0, edited: 0, deleted: 0 };

// Every page of a paged list, one after the other (the first short page ends it).
async function listAll(fetchPage) {
  const all = [];
  for (let page = 1; ; page += 1) {
    const res = await fetchPage({ page_no: page, per_page: 100 });
    all.push(...res.data);
    if (res.data.length < 100) return all;
  }
}

// True when every key the desired object gives has the same value in the actual one.
function matches(want, have) {
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object') return false;
    return Object.keys(want).every((k) => matches(want[k], have[k]));
  }
  return want === have;
}

async function reconcileParticipants(meetingId, want) {
  const have = await listAll((q) =>
    meetings.getMeetingParticipants(meetingId, { account_id, app_id, ...q }));
  const byId = new Map(have.map((p) => [p.custom_participant_id, p]));
  for (const p of want) {
    const cur = byId.get(p.custom_participant_id);
    byId.delete(p.custom_participant_id);
    if (!cur) {
      await meetings.addParticipant(meetingId, { account_id, app_id, ...p });
      counts.added += 1;
    } else if (cur.name !== p.name || cur.preset_name !== p.preset_name) {
      await meetings.editParticipant(cur.id, {
        account_id, app_id, meeting_id: meetingId, name: p.name, preset_name: p.preset_name,
      });
      counts.edited += 1;
    }
  }
  for (const stray of byId.values()) {
    await meetings.deleteMeetingParticipant(stray.id, { account_id, app_id, meeting_id: meetingId });
    counts.deleted += 1;
  }
}

async function reconcileMeeting(m, existing) {
  const { participants, ...fields } = m;
  const found = existing.get(fields.title);
  if (!found) {
    const created = await meetings.create(app_id, { account_id, ...fields });
    counts.created += 1;
    for (const p of participants) {
      await meetings.addParticipant(created.data.id, { account_id, app_id, ...p });
      counts.added += 1;
    }
    return;
  }
  const full = (await meetings.getMeetingByID(found.id, { account_id, app_id })).data;
  const changed = Object.fromEntries(
    Object.entries(fields).filter(([k, v]) => !matches(v, full[k])));
  if (Object.keys(changed).length > 0) {
    await meetings.updateMeetingByID(found.id, { account_id, app_id, ...changed });
    counts.updated += 1;
  }
  await reconcileParticipants(found.id, participants);
}

const start = process.hrtime.bigint();
const listed = await listAll((q) => meetings.get(app_id, { account_id, ...q }));
const existing = new Map(listed.map((s) => [s.title, s]));
for (let i = 0; i < desired.length; i += batch) {
  await Promise.all(desired.slice(i, i + batch).map((m) => reconcileMeeting(m, existing)));
}
const wall_s = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ wall_s, ...counts }));
