/** Why the bot, the console or the CLI cannot start: printed (or logged) once, then the process exits 1. */
export const startupMessages = {
  libraryUnavailable: (dataDir: string, detail: string) =>
    `Cannot open the library in ${dataDir} (DATA_DIR): ${detail}. Check that DATA_DIR is a folder this process can read and ` +
    'write, or restore the library from a backup.',
  promptsInvalid: (detail: string) => `Cannot load the prompt templates: ${detail}`,
  httpPortInUse: (host: string, port: number) =>
    `Cannot serve health and metrics on ${host}:${port}: port ${port} is already in use by another program. ` +
    'Choose a free port with HTTP_PORT (or leave it unset for no server).',
  httpPortDenied: (host: string, port: number) =>
    `Cannot serve health and metrics on ${host}:${port}: this user may not open port ${port} (ports below 1024 need privileges). ` +
    'Choose a port from 1024 up with HTTP_PORT.',
  httpHostUnavailable: (host: string, port: number) =>
    `Cannot serve health and metrics on ${host}:${port}: ${host} is not an address of this machine. Set HTTP_HOST to one that is, such as 127.0.0.1.`,
  httpListenFailed: (host: string, port: number, detail: string) => `Cannot serve health and metrics on ${host}:${port}: ${detail}.`,
} as const;
