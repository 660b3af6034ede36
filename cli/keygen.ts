/**
 * `zmtp keygen`: a CURVE key pair, printed as libzmq's `curve_keygen`
 * prints it, or as JSON.
 *
 * @module
 */

import { curveKeyPair } from "../mod.ts";
import { type Command, EXIT_OK, parseFlags, writeLine } from "./common.ts";

const USAGE = `zmtp keygen: make a CURVE key pair (Z85, RFC 32)

Usage:
  zmtp keygen [--json]

Prints the key pair as libzmq's curve_keygen does: an explanation, then the
public key under "== CURVE PUBLIC KEY ==" and the secret key under
"== CURVE SECRET KEY ==". Keep the secret key with one party; give the
public key to its peers.

Options:
  --json       print {"publicKey": "…", "secretKey": "…"} on one line instead
  -h, --help   show this help and exit
`;

/** curve_keygen's preamble, word for word, so scripts that parse its output keep working. */
const PREAMBLE = `This tool generates a CurveZMQ keypair, as two printable strings you can
use in configuration files or source code. The encoding uses Z85, which
is a base-85 format that is described in 0MQ RFC 32, and which has an
implementation in the z85_codec.h source used by this tool. The keypair
always works with the secret key held by one party and the public key
distributed (securely!) to peers wishing to connect to it.`;

function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { json: { type: "boolean" } });
  if (values.help) {
    writeLine(USAGE);
    return Promise.resolve(EXIT_OK);
  }
  const { publicKey, secretKey } = curveKeyPair();
  if (values.json) {
    writeLine(JSON.stringify({ publicKey, secretKey }));
  } else {
    writeLine(
      `${PREAMBLE}\n\n== CURVE PUBLIC KEY ==\n${publicKey}\n\n== CURVE SECRET KEY ==\n${secretKey}`,
    );
  }
  return Promise.resolve(EXIT_OK);
}

/** The `keygen` subcommand. */
export const keygen: Command = {
  name: "keygen",
  summary: "make a CURVE key pair, as curve_keygen prints it (or --json)",
  usage: USAGE,
  run,
};
