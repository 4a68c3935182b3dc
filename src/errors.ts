/**
 * An expected failure (bad input, nothing found, missing permission). Its message is
 * written for the person using the bot and is shown as is; every other error gets a
 * generic message for the user and a full log line for the operator.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
