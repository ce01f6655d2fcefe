import { AppError } from '../core/errors';

/** Expected failures of the notify module. */
export const NotifyErrors = {
  mailboxOff: () =>
    new AppError(
      'FIG_MAILBOX_OFF',
      409,
      'The dev mailbox is off: mail is delivered through Resend (RESEND_API_KEY is set)',
    ),
  notDead: (id: string) =>
    new AppError(
      'FIG_DELIVERY_NOT_DEAD',
      409,
      `Outbox message ${id} is not in the dead-letter list: only dead deliveries can be retried`,
    ),
};
