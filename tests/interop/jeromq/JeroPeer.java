// A JeroMQ 0.3.6 peer (ZMTP 2.0 only) for the interop tests, driven over
// stdin/stdout one line at a time (see jeromq.ts):
//   socket ID TYPE | identity ID HEX | subscribe ID HEX | unsubscribe ID HEX
//   bind ID ENDPOINT (port * picks a free one) | connect ID ENDPOINT
//   send ID HEX,HEX,... | recv ID TIMEOUT_MS | close ID | quit
// Replies: "ok [value]", "msg HEX,HEX,...", "timeout" or "err TEXT".
// Frames travel as hex, comma-separated (an empty frame is an empty string).
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

public class JeroPeer {
  static final ZMQ.Context context = ZMQ.context(1);
  static final Map<String, ZMQ.Socket> sockets = new HashMap<>();

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    System.out.println("ok ready");
    System.out.flush();
    String line;
    while ((line = in.readLine()) != null) {
      String[] parts = line.split(" ", 3);
      String reply;
      try {
        if (parts[0].equals("quit")) break;
        reply = handle(parts);
      } catch (Exception e) {
        reply = "err " + e;
      }
      System.out.println(reply);
      System.out.flush();
    }
    for (ZMQ.Socket s : sockets.values()) s.close();
    context.term();
  }

  static String handle(String[] p) {
    String op = p[0];
    if (op.equals("socket")) {
      ZMQ.Socket s = context.socket(type(p[2]));
      s.setLinger(0);
      sockets.put(p[1], s);
      return "ok";
    }
    ZMQ.Socket s = sockets.get(p[1]);
    switch (op) {
      case "identity": s.setIdentity(unhex(p[2])); return "ok";
      case "subscribe": s.subscribe(unhex(p[2])); return "ok";
      case "unsubscribe": s.unsubscribe(unhex(p[2])); return "ok";
      case "bind":
        if (p[2].endsWith(":*")) {
          int port = s.bindToRandomPort(p[2].substring(0, p[2].length() - 2));
          return "ok " + p[2].substring(0, p[2].length() - 1) + port;
        }
        s.bind(p[2]);
        return "ok " + p[2];
      case "connect": s.connect(p[2]); return "ok";
      case "send": {
        String[] frames = p[2].split(",", -1);
        for (int i = 0; i < frames.length; i++) {
          if (!s.send(unhex(frames[i]), i < frames.length - 1 ? ZMQ.SNDMORE : 0)) return "err send failed";
        }
        return "ok";
      }
      case "recv": {
        s.setReceiveTimeOut(Integer.parseInt(p[2]));
        byte[] first = s.recv(0);
        if (first == null) return "timeout";
        List<String> frames = new ArrayList<>();
        frames.add(hex(first));
        while (s.hasReceiveMore()) frames.add(hex(s.recv(0)));
        return "msg " + String.join(",", frames);
      }
      case "close": s.close(); sockets.remove(p[1]); return "ok";
      default: return "err unknown op " + op;
    }
  }

  static int type(String name) {
    switch (name) {
      case "PAIR": return ZMQ.PAIR;
      case "PUB": return ZMQ.PUB;
      case "SUB": return ZMQ.SUB;
      case "REQ": return ZMQ.REQ;
      case "REP": return ZMQ.REP;
      case "DEALER": return ZMQ.DEALER;
      case "ROUTER": return ZMQ.ROUTER;
      case "PULL": return ZMQ.PULL;
      case "PUSH": return ZMQ.PUSH;
      case "XPUB": return ZMQ.XPUB;
      case "XSUB": return ZMQ.XSUB;
      default: throw new IllegalArgumentException("unknown socket type " + name);
    }
  }

  static byte[] unhex(String text) {
    byte[] out = new byte[text.length() / 2];
    for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
    return out;
  }

  static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) out.append(String.format("%02x", b));
    return out.toString();
  }
}
