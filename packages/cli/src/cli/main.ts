#!/usr/bin/env bun
import { toError } from "@mesh/shared";
import { ExitCode } from "../cli-error.ts";
import { runCli } from "./run-cli.ts";

runCli(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`mesh: ${toError(e).stack ?? String(e)}\n`);
    process.exit(ExitCode.failure);
  },
);
