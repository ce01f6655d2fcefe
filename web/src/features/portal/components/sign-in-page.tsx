import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { FormError } from '../../../components/ui/states';
import { ApiError } from '../../../lib/api-client';
import { useRequestLink } from '../api/sign-in';

/** Enter an email address, get a sign-in link by mail ("check your mail", whatever the address). */
export function PortalSignInPage({ slug, notice }: { slug: string; notice?: string }) {
  const [email, setEmail] = useState('');
  const request = useRequestLink(slug);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    request.mutate(email.trim());
  };
  const sent = request.isSuccess;
  return (
    <div className="portal-signin">
      <div className="portal-card">
        <div className="portal-tag">Customer portal</div>
        {sent ? (
          <div data-testid="portal-check-mail">
            <h1>Check your mail</h1>
            <p className="muted">{request.data.message}</p>
            <p className="muted small">
              Sent to <strong>{email}</strong>. Nothing there after a few minutes? Check the spam folder, or{' '}
              <button type="button" className="link" onClick={() => request.reset()}>
                try another address
              </button>
              .
            </p>
          </div>
        ) : (
          <form onSubmit={submit} noValidate>
            <h1>Sign in</h1>
            <p className="muted">
              See your invoices, payments and statement. We mail you a link that signs you in: no password
              needed.
            </p>
            {notice && <div className="notice">{notice}</div>}
            <Field
              label="Your email address"
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={request.error instanceof ApiError ? request.error.fieldError('email') : undefined}
            />
            <FormError error={request.error} shownFields={['email']} />
            <Button
              type="submit"
              variant="primary"
              className="btn-block"
              busy={request.isPending}
              disabled={!email.trim()}
            >
              Email me a sign-in link
            </Button>
          </form>
        )}
      </div>
    </div>
  );
}
