// The CouchDB-protocol peer of `make bench` (driven by benchmarks/bench_peer.py): PouchDB on LevelDB
// replicating with a pouchdb-server on loopback, batch_size 1000. One command per process, so that
// the caller can time the whole process as it times `gridworker sync`; each prints one JSON line.
//
//   node peer_pouchdb.js MODULES seed   REMOTE FILE.ndjson   the documents into the server (set-up, not a figure)
//   node peer_pouchdb.js MODULES pull   REMOTE LOCALDIR      first replication into an empty local database
//   node peer_pouchdb.js MODULES edit   LOCALDIR N           N person documents edited locally, one bulkDocs
//   node peer_pouchdb.js MODULES sync   REMOTE LOCALDIR [K]  K bidirectional syncs, each timed in-process
//
// MODULES is the node_modules folder of the pinned install (pouchdb 9.0.0), kept outside the repository.
"use strict";

const fs = require("fs");
const path = require("path");
const readline = require("readline");

const BATCH = 1000;
const [modules, command, ...rest] = process.argv.slice(2);
const PouchDB = require(path.join(modules, "pouchdb"));

function seconds(started) {
  const [s, ns] = process.hrtime(started);
  return s + ns / 1e9;
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

async function seed(remote, file) {
  const db = new PouchDB(remote);
  const lines = readline.createInterface({ input: fs.createReadStream(file, "utf8"), crlfDelay: Infinity });
  let docs = [];
  let written = 0;
  const flush = async () => {
    const results = await db.bulkDocs(docs);
    const failed = results.filter((r) => r.error);
    if (failed.length) throw new Error(`seed: ${failed.length} documents refused, first: ${JSON.stringify(failed[0])}`);
    written += docs.length;
    docs = [];
  };
  for await (const line of lines) {
    if (!line) continue;
    docs.push(JSON.parse(line));
    if (docs.length >= 5000) await flush();
  }
  if (docs.length) await flush();
  const info = await db.info();
  emit({ written, doc_count: info.doc_count });
}

async function pull(remote, dir) {
  const started = process.hrtime();
  const db = new PouchDB(dir);
  const result = await db.replicate.from(new PouchDB(remote), { batch_size: BATCH });
  if (!result.ok) throw new Error("pull: replication not ok: " + JSON.stringify(result.errors));
  const info = await db.info();
  emit({ docs_written: result.docs_written, doc_count: info.doc_count, seconds: seconds(started) });
  await db.close();
}

async function edit(dir, n) {
  const db = new PouchDB(dir);
  const page = await db.allDocs({ startkey: "person:", endkey: "person:\uffff", limit: n, include_docs: true });
  const stamp = Date.now().toString(36);
  const docs = page.rows.map((row, i) => Object.assign(row.doc, { notes: `走访备注 ${stamp}-${i}` }));
  const started = process.hrtime();
  const results = await db.bulkDocs(docs);
  const took = seconds(started);
  const failed = results.filter((r) => r.error);
  if (failed.length) throw new Error(`edit: ${failed.length} edits refused`);
  emit({ edited: docs.length, seconds: took });
  await db.close();
}

async function sync(remote, dir, times) {
  const db = new PouchDB(dir);
  const server = new PouchDB(remote);
  const runs = [];
  for (let i = 0; i < times; i++) {
    const started = process.hrtime();
    const result = await db.sync(server, { batch_size: BATCH });
    runs.push({
      seconds: seconds(started),
      pushed: result.push.docs_written,
      pulled: result.pull.docs_written,
      ok: result.push.ok && result.pull.ok,
    });
  }
  emit({ runs });
  await db.close();
}

const commands = {
  seed: () => seed(rest[0], rest[1]),
  pull: () => pull(rest[0], rest[1]),
  edit: () => edit(rest[0], parseInt(rest[1], 10)),
  sync: () => sync(rest[0], rest[1], parseInt(rest[2] || "1", 10)),
};

if (!commands[command]) {
  process.stderr.write(`unknown command ${command}; one of ${Object.keys(commands).join(", ")}\n`);
  process.exit(2);
}
commands[command]().catch((err) => {
  process.stderr.write((err && err.stack) || String(err));
  process.stderr.write("\n");
  process.exit(1);
});
