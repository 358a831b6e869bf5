/**
 * CI helper: `bun tooling/ci/pg-database.ts create|drop <admin-url> <name>`
 * creates or drops one database on an external server.
 */
import postgres from "postgres";

const [action, adminUrl, name] = process.argv.slice(2);
if (!adminUrl || !name || !/^[a-z_][a-z0-9_]*$/.test(name) || (action !== "create" && action !== "drop")) {
  process.stderr.write("usage: pg-database.ts create|drop <admin-url> <lowercase_name>\n");
  process.exit(2);
}
const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
try {
  await sql.unsafe(action === "create" ? `create database ${name}` : `drop database if exists ${name} with (force)`);
  process.stdout.write(`${action === "create" ? "created" : "dropped"} database ${name}\n`);
} catch (e: unknown) {
  process.stderr.write(`${action} database ${name} failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  await sql.end({ timeout: 2 });
}
