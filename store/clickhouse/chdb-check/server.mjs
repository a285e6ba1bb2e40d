// ClickHouse's HTTP interface, as far as the Sextant ClickHouse store uses it, answered by the
// ClickHouse engine that the chdb package embeds (in this process, no server of its own). The
// store's integration tests named Chdb*IT start this and run the store's contract suites against
// it, so every statement the store and the query engine send (DDL, RowBinary INSERTs, SELECTs) is
// run by current ClickHouse, not only by Debian's 18.16.
//
//   node server.mjs [--log FILE] [--cluster NAME]
//
// Listens on 127.0.0.1 on a free port and prints "listening PORT" on its first line of output. It
// stops when its standard input closes (so it never outlives the test JVM that started it), or on
// SIGTERM. With --log, every statement run is appended to FILE, each ending with ";\n" (a RowBinary
// INSERT as its statement, the rows not shown), with "-- error: ..." after any that failed. The
// engine's configuration names a cluster NAME ("sextant" unless told) of one shard, this engine
// itself (its tcp_port is the shard's, though nothing listens there: a local shard is read and
// written in process), so the store's Distributed tables over *_local tables run here too.
//
// What is the store's, what is this program's:
// - A statement in the body is run as it is, in the database of the URL's "database" (or
//   "default"), under the settings given in the URL (each one by SET in the session; SET rejects a
//   setting that current ClickHouse does not know, as its HTTP interface does). "wait_end_of_query"
//   is a parameter of the HTTP handler, not a setting: it is meaningless here, where every answer is
//   whole.
// - An INSERT whose statement is in the URL ("query") and whose rows are the body (RowBinary, as
//   the store writes them) is run as the same statement with "FROM INFILE" naming a file holding
//   the body's bytes: the same input format parser reads the same bytes.
// - An error is answered with status 500 and ClickHouse's message, as a server answers.

import { createServer } from "node:http";
import { mkdtempSync, writeFileSync, appendFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import chdb from "chdb";

const { Session } = chdb;

const args = process.argv.slice(2);
const logAt = args.indexOf("--log");
const logFile = logAt >= 0 ? args[logAt + 1] : null;
const clusterAt = args.indexOf("--cluster");
const cluster = clusterAt >= 0 ? args[clusterAt + 1] : "sextant";
if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(cluster)) {
  throw new Error("not a cluster name: " + cluster);
}

const work = mkdtempSync(join(tmpdir(), "sextant-chdb-"));
const config = join(work, "config.xml");
writeFileSync(
  config,
  `<clickhouse>
  <timezone>UTC</timezone>
  <tcp_port>9000</tcp_port>
  <remote_servers><${cluster}><shard><replica><host>127.0.0.1</host><port>9000</port></replica></shard></${cluster}></remote_servers>
</clickhouse>
`,
);
const session = new Session(join(work, "data"), { connectionArgs: ["--config-file=" + config] });

/** URL parameters that the HTTP handler reads itself: never settings. */
const TRANSPORT = new Set(["database", "query", "wait_end_of_query", "default_format"]);

let currentDatabase = "default";
let currentSettings = "";
let inserts = 0;

function log(text) {
  if (logFile) {
    appendFileSync(logFile, text);
  }
}

function run(sql, format) {
  return session.query(sql, format);
}

/** A setting's value as a literal for SET: numbers as they are, anything else quoted. */
function settingLiteral(v) {
  return /^-?[0-9]+(\.[0-9]+)?$/.test(v) ? v : "'" + v.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
}

function applyContext(params) {
  const settings = [];
  for (const [k, v] of params) {
    if (!TRANSPORT.has(k)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
        throw new Error("not a setting name: " + k);
      }
      settings.push(k + " = " + settingLiteral(v));
    }
  }
  const set = settings.sort().join(", ");
  if (set !== currentSettings && set !== "") {
    run("SET " + set, "TabSeparated");
  }
  currentSettings = set;
  const db = params.get("database") || "default";
  if (db !== currentDatabase) {
    run("USE " + db, "TabSeparated");
    currentDatabase = db;
  }
}

function answer(params, body) {
  applyContext(params);
  const query = params.get("query");
  if (query == null) {
    const sql = body.toString("utf8");
    log(sql.trim() + ";\n");
    return run(sql, "TabSeparated");
  }
  // An INSERT with its rows in the body.
  const m = /^\s*(INSERT\s+INTO\s+.*?)\s+FORMAT\s+([A-Za-z]+)\s*$/is.exec(query);
  if (!m) {
    throw new Error("the URL holds a statement that is not INSERT ... FORMAT: " + query);
  }
  log(query.trim() + ";\n");
  const file = join(work, "rows-" + ++inserts + ".bin");
  writeFileSync(file, body);
  try {
    return run(m[1] + " FROM INFILE '" + file + "' FORMAT " + m[2], "TabSeparated");
  } finally {
    rmSync(file, { force: true });
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const url = new URL(req.url, "http://localhost");
    let status = 200;
    let out;
    try {
      out = answer(url.searchParams, Buffer.concat(chunks));
    } catch (e) {
      status = 500;
      out = String(e && e.message ? e.message : e);
      log("-- error: " + out.replace(/\s+/g, " ").slice(0, 2000) + "\n");
    }
    res.writeHead(status, { "Content-Type": "text/plain; charset=UTF-8" });
    res.end(out ?? "");
  });
});

function stop() {
  server.close();
  try {
    session.close();
  } finally {
    rmSync(work, { recursive: true, force: true });
    process.exit(0);
  }
}

process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);

server.listen(0, "127.0.0.1", () => {
  process.stdout.write("listening " + server.address().port + "\n");
});
