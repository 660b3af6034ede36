/*
 * The CURVE keys of bench/programs/curve_keys.json (the example keys of
 * libzmq's zmq_curve(7) manual page; not secrets), for the C programs.
 */
#ifndef CURVE_KEYS_H
#define CURVE_KEYS_H
#include <string.h>
#include <zmq.h>

static const char SERVER_PUBLIC[] = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
static const char SERVER_SECRET[] = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
static const char CLIENT_PUBLIC[] = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
static const char CLIENT_SECRET[] = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";

static int curve_server(void *socket) {
  int on = 1;
  return zmq_setsockopt(socket, ZMQ_CURVE_SERVER, &on, sizeof on) ||
         zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, SERVER_SECRET, 40);
}

static int curve_client(void *socket) {
  return zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, SERVER_PUBLIC, 40) ||
         zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, CLIENT_PUBLIC, 40) ||
         zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, CLIENT_SECRET, 40);
}
#endif
