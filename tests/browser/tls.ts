/**
 * A throw-away TLS certificate for 127.0.0.1 (made with openssl for each
 * test run, valid two days), and the hash Chromium is told to trust it by
 * (`--ignore-certificate-errors-spki-list`: that one key, nothing else).
 */

/** A certificate, its key, and the base64 SHA-256 of its public key (SPKI). */
export interface TestCertificate {
  certPem: string;
  keyPem: string;
  spkiSha256: string;
  /** Where the PEM files are, for programs that read files (the relay). */
  certFile: string;
  keyFile: string;
  /** Removes the files. */
  remove(): Promise<void>;
}

async function openssl(args: string[]): Promise<Uint8Array> {
  const { code, stdout, stderr } = await new Deno.Command("openssl", {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr)}`);
  return stdout;
}

/** Whether openssl can be run here; the reason when not. */
export async function opensslMissing(): Promise<string | null> {
  try {
    await openssl(["version"]);
    return null;
  } catch (err) {
    return `openssl is needed to make a test certificate (${(err as Error).message})`;
  }
}

/** Makes a self-signed P-256 certificate for 127.0.0.1 and localhost. */
export async function makeCertificate(): Promise<TestCertificate> {
  const dir = await Deno.makeTempDir({ prefix: "zmq-tls-" });
  const certFile = `${dir}/cert.pem`, keyFile = `${dir}/key.pem`;
  // deno-fmt-ignore
  await openssl([
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]);
  const spki = await openssl(["pkey", "-in", keyFile, "-pubout", "-outform", "der"]);
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", spki as Uint8Array<ArrayBuffer>),
  );
  return {
    certPem: await Deno.readTextFile(certFile),
    keyPem: await Deno.readTextFile(keyFile),
    spkiSha256: btoa(String.fromCharCode(...digest)),
    certFile,
    keyFile,
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}
