# A listener whose connection queue is full, so the kernel drops new connection attempts: a
# client waits in vain for an answer, as behind a firewall that drops packets. Prints the port,
# then holds the listener until stdin closes. (Node accepts every connection itself, so it
# cannot play this part.)
import socket
import sys

server = socket.socket()
server.bind(('127.0.0.1', 0))
server.listen(0)
port = server.getsockname()[1]
fillers = []
for _ in range(3):
    filler = socket.socket()
    filler.setblocking(False)
    try:
        filler.connect(('127.0.0.1', port))
    except BlockingIOError:
        pass
    fillers.append(filler)
print(port, flush=True)
sys.stdin.read()
