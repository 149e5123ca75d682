import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SecretsError, sopsEncrypt } from "../../../src/secrets/sops.ts";
import { recipientsOf } from "../../../src/secrets/store.ts";

describe("running sops", () => {
  it("a sops that exits before reading its input is an error to report, not an EPIPE that kills kindling", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kindling-sops-"));
    const fake = join(dir, "sops");
    writeFileSync(fake, "#!/bin/sh\necho 'config file not found' >&2\nexit 1\n");
    chmodSync(fake, 0o755);
    const saved = process.env.KINDLING_SOPS_BIN;
    process.env.KINDLING_SOPS_BIN = fake;
    try {
      // More than a pipe buffer, so the write is still going on when sops has gone.
      const plaintext = `a: ${"x".repeat(4 << 20)}\n`;
      for (let i = 0; i < 5; i++) {
        await assert.rejects(sopsEncrypt(plaintext, ["age1example"], join(dir, "local.sops.yaml")), /config file not found/);
      }
    } finally {
      if (saved === undefined) delete process.env.KINDLING_SOPS_BIN;
      else process.env.KINDLING_SOPS_BIN = saved;
    }
  });
});

describe(".sops.yaml", () => {
  it("a .sops.yaml that is not valid YAML is named, with the fix", () => {
    const dir = mkdtempSync(join(tmpdir(), "kindling-sops-"));
    writeFileSync(join(dir, ".sops.yaml"), "creation_rules:\n  - path_regex: x\n   age: [\n");
    assert.throws(
      () => recipientsOf(dir),
      (e: unknown) => {
        assert.ok(e instanceof SecretsError, String(e));
        assert.match(e.message, /\.sops\.yaml is not valid YAML/);
        assert.match(e.hint, /age: <public key>/);
        return true;
      },
    );
    for (const text of ["creation_rules: {age: x}\n", "creation_rules: [null]\n", "just text\n"]) {
      writeFileSync(join(dir, ".sops.yaml"), text);
      assert.deepEqual(recipientsOf(dir), [], text);
    }
  });
});
