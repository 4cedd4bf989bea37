import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * A started emulator or PostgreSQL is unref'd. Stopping one that ignores its first signal ends in SIGKILL and a wait
 * for the exit; if nothing kept Node's event loop alive during that wait, Node would end the whole process with code
 * 0 before the exit event arrived: the exit code the caller meant to set (jest's failures, a script's mismatches)
 * was lost that way in CI. The script below sets exit code 3 only after stopProcess resolves.
 */
describe("stopProcess keeps its caller alive until the child is gone", () => {
  it("a process that awaits stopProcess of an unref'd child that ignores SIGTERM exits with its own code", () => {
    const script = `
      const { spawn } = require("node:child_process");
      const { stopProcess } = require(${JSON.stringify(join(__dirname, "process"))});
      const child = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });
      const exited = new Promise((r) => child.once("exit", () => r()));
      setTimeout(async () => {
        child.unref();
        await stopProcess(child, exited, "SIGTERM", 300);
        console.log("stopped");
        process.exitCode = 3;
      }, 500);
    `;
    const run = spawnSync(process.execPath, ["-r", "@swc-node/register", "-e", script], { cwd: join(__dirname, ".."), encoding: "utf8", timeout: 60_000 });
    expect({ status: run.status, stdout: run.stdout.trim() }).toEqual({ status: 3, stdout: "stopped" });
  });
});
