import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes, type APIUser } from 'discord.js';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { asRecord } from './form-errors.ts';
import { sessionId as newSessionId } from './ids.ts';
import { EventLog } from './recorder.ts';
import { guildCreateData, readyData, type FakeGuild } from './world.ts';

/** One payload the fake gateway received from a client. */
export interface GatewayReceived {
  op: number;
  d: unknown;
  /** The session the connection belonged to when it arrived (null before Identify/Resume). */
  sessionId: string | null;
  /** The path the client connected to (the resume URL differs from the first one). */
  connectionPath: string;
  time: number;
}

interface DispatchedEvent {
  s: number;
  t: string;
  d: unknown;
}

interface Session {
  id: string;
  seq: number;
  /** Every dispatch of the session, so a Resume can replay what the client missed. */
  events: DispatchedEvent[];
  socket: WebSocket | null;
  invalidated: boolean;
}

interface Connection {
  socket: WebSocket;
  path: string;
  session: Session | null;
}

export interface GatewayOptions {
  botToken: string;
  bot: APIUser;
  applicationId: string;
  guilds: readonly FakeGuild[];
  /** ws://127.0.0.1:PORT, known once the server listens. */
  baseUrl: () => string;
  heartbeatIntervalMs: number;
}

export const GATEWAY_PATH = '/gateway';
const RESUME_PATH = '/gateway/resume';

/** Discord's gateway, enough for discord.js: Hello, Identify → READY + GUILD_CREATE, heartbeats, Resume. */
export class FakeGateway {
  readonly received = new EventLog<GatewayReceived>('gateway payload', (e) => `op ${e.op}`);
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();
  private current: Session | null = null;
  private readonly joinedAt = new Date().toISOString();
  /** While held, connections wait here for their Hello. */
  private held: WebSocket[] | null = null;

  private readonly options: GatewayOptions;

  constructor(options: GatewayOptions) {
    this.options = options;
  }

  get url(): string {
    return `${this.options.baseUrl()}${GATEWAY_PATH}`;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, path));
  }

  /** Sends a dispatch to the current session, or keeps it for replay if the client is disconnected. */
  dispatch(t: string, d: unknown): number {
    const session = this.current;
    if (!session || session.invalidated) {
      throw new Error('fake Discord: no client has identified on the gateway yet (await client.login first)');
    }
    return this.dispatchTo(session, t, d);
  }

  /**
   * Closes every client connection with a resumable close code (4000, "unknown error"); discord.js
   * reconnects to resume_gateway_url and sends Resume. Resolves when the sockets have closed.
   */
  async disconnectClients(code: number = GatewayCloseCodes.UnknownError): Promise<void> {
    const closing = [...this.connections].map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.socket.readyState === WebSocket.CLOSED) return resolve();
          connection.socket.once('close', () => resolve());
          connection.socket.close(code, 'fake Discord disconnect');
        }),
    );
    await Promise.all(closing);
  }

  /** New connections are accepted but not greeted (no Hello) until release(): the client keeps waiting. */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const socket of waiting) this.hello(socket);
  }

  async close(): Promise<void> {
    this.held = null;
    this.received.rejectAll('fake Discord closed');
    for (const connection of this.connections) connection.socket.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket, path: string): void {
    const connection: Connection = { socket, path, session: null };
    this.connections.add(connection);
    socket.on('message', (raw) => this.onMessage(connection, raw));
    socket.on('close', (code) => this.onClose(connection, code));
    socket.on('error', () => socket.terminate());
    if (this.held) this.held.push(socket);
    else this.hello(socket);
  }

  private hello(socket: WebSocket): void {
    this.send(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs }, s: null, t: null });
  }

  private onClose(connection: Connection, code: number): void {
    this.connections.delete(connection);
    const session = connection.session;
    if (!session || session.socket !== connection.socket) return;
    session.socket = null;
    // A client that closes with 1000/1001 ends its session; any other code keeps it resumable.
    if (code === 1000 || code === 1001) session.invalidated = true;
  }

  private onMessage(connection: Connection, raw: RawData): void {
    let payload: Record<string, unknown> | null;
    try {
      payload = asRecord(JSON.parse(rawText(raw)));
    } catch {
      payload = null;
    }
    if (!payload || typeof payload.op !== 'number') {
      connection.socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const op = payload.op;
    this.received.add({
      op,
      d: payload.d,
      sessionId: connection.session?.id ?? null,
      connectionPath: connection.path,
      time: Date.now(),
    });
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        this.send(connection.socket, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        this.identify(connection, asRecord(payload.d));
        return;
      case GatewayOpcodes.Resume:
        this.resume(connection, asRecord(payload.d));
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
        if (!connection.session) connection.socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        connection.socket.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private identify(connection: Connection, d: Record<string, unknown> | null): void {
    if (connection.session) {
      connection.socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (d?.token !== this.options.botToken) {
      connection.socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const session: Session = { id: newSessionId(), seq: 0, events: [], socket: connection.socket, invalidated: false };
    this.sessions.set(session.id, session);
    connection.session = session;
    this.current = session;
    const ready = readyData({
      bot: this.options.bot,
      applicationId: this.options.applicationId,
      guilds: [...this.options.guilds],
      sessionId: session.id,
      resumeUrl: `${this.options.baseUrl()}${RESUME_PATH}`,
    });
    this.dispatchTo(session, GatewayDispatchEvents.Ready, ready);
    // Every guild listed in READY must follow as GUILD_CREATE, or discord.js waits 15 s for it.
    for (const guild of this.options.guilds) {
      this.dispatchTo(session, GatewayDispatchEvents.GuildCreate, guildCreateData(guild, this.options.bot, this.joinedAt));
    }
  }

  private resume(connection: Connection, d: Record<string, unknown> | null): void {
    if (d?.token !== this.options.botToken) {
      connection.socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session || session.invalidated) {
      this.send(connection.socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.socket && session.socket !== connection.socket) session.socket.terminate();
    session.socket = connection.socket;
    connection.session = session;
    this.current = session;
    const lastSeen = typeof d.seq === 'number' ? d.seq : 0;
    for (const event of session.events) {
      if (event.s > lastSeen) this.send(connection.socket, { op: GatewayOpcodes.Dispatch, ...event });
    }
    this.send(connection.socket, { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.Resumed, s: session.seq, d: {} });
  }

  private dispatchTo(session: Session, t: string, d: unknown): number {
    session.seq += 1;
    const event: DispatchedEvent = { s: session.seq, t, d };
    session.events.push(event);
    if (session.socket?.readyState === WebSocket.OPEN) {
      this.send(session.socket, { op: GatewayOpcodes.Dispatch, ...event });
    }
    return event.s;
  }

  private send(socket: WebSocket, payload: Record<string, unknown>): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
  }
}

function rawText(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw).toString('utf8');
}
