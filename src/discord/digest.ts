import type { Client, SendableChannels } from 'discord.js';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { digestSlot, weeklyDigest, type Digest } from '../readers/digest.ts';
import type { AnswerLog } from '../readers/answer-log.ts';
import { renderDigest } from './reader-reports.ts';

/** How often the bot looks whether a digest is due, at most (it also wakes at the digest's hour). */
const CHECK_EVERY_MS = 60 * 60 * 1000;

export interface DigestSchedulerOptions {
  client: Client;
  answerLog: AnswerLog;
  settings: NonNullable<Config['digest']>;
  logger: Logger;
  now?: () => Date;
}

export interface DigestScheduler {
  /** Posts this week's digest if it is due and was not posted yet; never throws. */
  check(): Promise<void>;
  stop(): void;
}

/** The digest's channel, or null (logged) when the bot cannot see it or post there. */
async function digestChannel({ client, settings: { channelId }, logger }: DigestSchedulerOptions): Promise<SendableChannels | null> {
  let channel;
  try {
    channel = await client.channels.fetch(channelId);
  } catch (error) {
    logger.error({ err: error, channelId }, 'weekly digest not posted: the bot cannot see DIGEST_CHANNEL_ID');
    return null;
  }
  if (!channel || !channel.isSendable()) {
    logger.error({ channelId, type: channel?.type }, 'weekly digest not posted: DIGEST_CHANNEL_ID is not a channel the bot can post in');
    return null;
  }
  return channel;
}

/** Sends the digest's messages; false (logged) when Discord refused one. */
async function send(
  channel: SendableChannels,
  digest: Digest,
  { settings: { channelId }, logger }: DigestSchedulerOptions,
): Promise<boolean> {
  try {
    for (const message of renderDigest(digest)) {
      await channel.send({ ...(message.content ? { content: message.content } : {}), embeds: message.embeds });
    }
    return true;
  } catch (error) {
    logger.error(
      { err: error, channelId },
      'weekly digest not posted: Discord refused the message (can the bot send messages and embeds there?)',
    );
    return false;
  }
}

/**
 * Posts this week's digest unless it was posted already (by this process, or as answers.sqlite
 * remembers), then remembers it.
 */
async function postIfDue(options: DigestSchedulerOptions, at: Date, postedHere: Set<string>): Promise<void> {
  const { answerLog, settings, logger } = options;
  const slot = digestSlot(at, settings.day, settings.hourUtc).toISOString();
  if (postedHere.has(slot) || answerLog.digestPosted(slot)) {
    logger.debug({ week: slot }, 'weekly digest already posted');
    return;
  }
  const channel = await digestChannel(options);
  if (!channel) return;
  // A server's channel shows that server's readers only; the other servers' questions stay theirs.
  const guildId = 'guildId' in channel && typeof channel.guildId === 'string' ? channel.guildId : undefined;
  const digest = weeklyDigest(answerLog, { now: at, ...(guildId ? { guildId } : {}) });
  if (!(await send(channel, digest, options))) return;
  postedHere.add(slot);
  const fields = { channelId: settings.channelId, week: slot, questions: digest.unansweredAsked, disliked: digest.disliked.length };
  if (answerLog.recordDigest(slot, settings.channelId, at)) logger.info(fields, 'weekly digest posted');
  else
    logger.warn(
      fields,
      'weekly digest posted, but answers.sqlite is read-only: it is not remembered and may be posted again after a restart',
    );
}

/** How long to sleep before the next check: until the next digest is due, at most an hour, at least a second. */
function untilNextCheck(at: Date, settings: DigestSchedulerOptions['settings']): number {
  const next = digestSlot(at, settings.day, settings.hourUtc).getTime() + 7 * 86_400_000;
  return Math.max(1000, Math.min(CHECK_EVERY_MS, next - at.getTime() + 1000));
}

/**
 * Posts the weekly digest (what readers asked that the archive could not answer, and the answers
 * they disliked) to DIGEST_CHANNEL_ID once a week: on DIGEST_DAY at DIGEST_HOUR UTC, or as soon as
 * the bot runs after that if it was down then. Which weeks were posted is kept in answers.sqlite,
 * so a restart does not post the same week twice. A channel the bot cannot post to is logged as an
 * error and tried again at the next check.
 */
export function startDigestScheduler(options: DigestSchedulerOptions): DigestScheduler {
  const now = options.now ?? (() => new Date());
  /** Weeks posted by this process: what a read-only answer log cannot remember. */
  const postedHere = new Set<string>();
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  function check(): Promise<void> {
    running ??= postIfDue(options, now(), postedHere)
      .catch((error: unknown) => options.logger.error({ err: error }, 'weekly digest failed'))
      .finally(() => {
        running = null;
      });
    return running;
  }

  function scheduleNext(): void {
    if (stopped) return;
    timer = setTimeout(() => void check().then(scheduleNext), untilNextCheck(now(), options.settings));
    timer.unref();
  }

  void check().then(scheduleNext);
  return {
    check,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
