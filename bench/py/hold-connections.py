# hold-connections.py [N]: listens on 127.0.0.1, connects N clients to itself, accepts them, prints
# "ready PORT" and holds the 2N connected sockets (and the listener) until killed; for bench/run ports.
import socket, sys, time
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(n)
port = srv.getsockname()[1]
clients, accepted = [], []
for i in range(n):
    c = socket.create_connection(("127.0.0.1", port)); clients.append(c)
    accepted.append(srv.accept()[0])
print("ready", port, flush=True)
while True:
    time.sleep(3600)
