/**
 * A throw-away TLS certificate for 127.0.0.1, signed by a throw-away CA
 * (both made with openssl for each test run, valid two days): Deno clients
 * trust the CA (`wssTrustPem`), Chromium the certificate's key by its hash
 * (`--ignore-certificate-errors-spki-list`: that one key, nothing else).
 */

/** A certificate, its key, its CA, and the base64 SHA-256 of its public key (SPKI). */
export interface TestCertificate {
  certPem: string;
  /** The CA certificate that signed it. */
  caPem: string;
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

/** Makes a P-256 certificate for 127.0.0.1 and localhost, signed by a fresh CA. */
export async function makeCertificate(): Promise<TestCertificate> {
  const dir = await Deno.makeTempDir({ prefix: "zmq-tls-" });
  const file = (name: string) => `${dir}/${name}`;
  const certFile = file("cert.pem"), keyFile = file("key.pem"), caFile = file("ca.pem");
  const p256 = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  // deno-fmt-ignore
  await openssl([
    "req", "-x509", ...p256, "-keyout", file("ca.key"), "-out", caFile, "-days", "2",
    "-subj", "/CN=zmq test CA",
  ]);
  await openssl([
    "req",
    ...p256,
    "-keyout",
    keyFile,
    "-out",
    file("leaf.csr"),
    "-subj",
    "/CN=127.0.0.1",
  ]);
  await Deno.writeTextFile(
    file("leaf.ext"),
    "basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
  );
  // deno-fmt-ignore
  await openssl([
    "x509", "-req", "-in", file("leaf.csr"), "-CA", caFile, "-CAkey", file("ca.key"),
    "-CAcreateserial", "-out", certFile, "-days", "2", "-extfile", file("leaf.ext"),
  ]);
  const spki = await openssl(["pkey", "-in", keyFile, "-pubout", "-outform", "der"]);
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", spki as Uint8Array<ArrayBuffer>),
  );
  return {
    certPem: await Deno.readTextFile(certFile),
    caPem: await Deno.readTextFile(caFile),
    keyPem: await Deno.readTextFile(keyFile),
    spkiSha256: btoa(String.fromCharCode(...digest)),
    certFile,
    keyFile,
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}
