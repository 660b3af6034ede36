/**
 * Test certificates for wss, made with openssl when the tests run: a CA,
 * and a server certificate it signed for the name `localhost` only (so a
 * connect to 127.0.0.1 needs `wssHostname: "localhost"`).
 */

/** PEM texts of a test CA and of a server certificate it signed. */
export interface TestCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Why the wss tests cannot run here, or null when they can. */
export const noOpenssl: string | null = (() => {
  try {
    const { success } = new Deno.Command("openssl", {
      args: ["version"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync();
    return success ? null : "openssl does not run";
  } catch {
    return "openssl is not installed (apt-get install openssl)";
  }
})();

if (noOpenssl !== null) console.log(`NOTE: wss tests skipped: ${noOpenssl}`);

let made: Promise<TestCerts> | null = null;

/** The test certificates (made once per test process). */
export function testCerts(): Promise<TestCerts> {
  made ??= makeCerts();
  return made;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const { success, stderr } = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null" })
    .output();
  if (!success) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr)}`);
}

async function makeCerts(): Promise<TestCerts> {
  const dir = await Deno.makeTempDir({ prefix: "zmtp-wss-" });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await openssl(dir, [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=zmtp test CA",
    ]);
    await openssl(dir, [
      "req",
      ...ec,
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
      "-subj",
      "/CN=localhost",
    ]);
    await Deno.writeTextFile(
      `${dir}/ext.cnf`,
      "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    );
    await openssl(dir, [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.pem",
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
    ]);
    return {
      caPem: await Deno.readTextFile(`${dir}/ca.pem`),
      certPem: await Deno.readTextFile(`${dir}/server.pem`),
      keyPem: await Deno.readTextFile(`${dir}/server.key`),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
