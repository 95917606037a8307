import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { renderUi } from '../test/render';
import { ErrorAlert } from './ErrorAlert';

describe('ErrorAlert', () => {
  it('shows nothing without an error', () => {
    renderUi(<ErrorAlert error={null} />);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('lists each problem of a 422 with where it is', () => {
    renderUi(
      <ErrorAlert
        error={new ApiError(422, 'invalid', 'the targeting rule is not valid', [
          { path: '/targeting/if/0/sem_ver/1', message: 'sem_ver operator "~~" is not one of =, !=, <, <=, >, >=, ^, ~' },
          { path: '/defaultVariant', message: '"x" is not one of the flag\'s variants' },
        ])}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Please fix the following');
    expect(alert).toHaveTextContent('The targeting rule is not valid');
    expect(alert).toHaveTextContent('/targeting/if/0/sem_ver/1');
    expect(alert).toHaveTextContent('is not one of the flag\'s variants');
  });

  it('says a stale edit was refused and which version is current', () => {
    renderUi(<ErrorAlert error={new ApiError(409, 'conflict', 'flag x was changed by someone else; reload and try again', { currentVersion: 7 })} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Changed by someone else');
    expect(screen.getByRole('alert')).toHaveTextContent('reload and try again. The current version is 7.');
  });

  it('explains missing rights, rate limits and lost connections in plain words', () => {
    const { rerender } = renderUi(<ErrorAlert error={new ApiError(403, 'forbidden', 'this needs the editor role (or token scope)')} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Not allowed');
    expect(screen.getByRole('alert')).toHaveTextContent('Ask an admin');
    rerender(<ErrorAlert error={new ApiError(429, 'rate_limited', 'too many requests; retry in 30 s', { retryAfter: 30 })} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Try again in 30 seconds.');
    rerender(<ErrorAlert error={new ApiError(0, 'network', 'The server could not be reached.')} />);
    expect(screen.getByRole('alert')).toHaveTextContent('No connection');
  });
  it('says a change must be proposed where approval is required, not that access is missing', () => {
    renderUi(
      <ErrorAlert
        error={new ApiError(403, 'approval_required', 'environment production requires approval: propose this change as a change request', { environments: ['production'] })}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Approval required');
    expect(alert).toHaveTextContent('Environment production requires approval: propose this change as a change request.');
    expect(alert).not.toHaveTextContent('Ask an admin');
  });

  it('explains a two_factor_setup_required refusal and links to turning two-factor sign-in on', () => {
    renderUi(
      <ErrorAlert error={new ApiError(403, 'two_factor_setup_required', 'this organization requires two-factor sign-in for owners and admins: turn it on first')} />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Two-factor sign-in required');
    expect(alert).toHaveTextContent('This organization requires two-factor sign-in for owners and admins: turn it on first.');
    expect(alert).not.toHaveTextContent('Ask an admin');
    expect(screen.getByRole('link', { name: 'Turn on two-factor sign-in' })).toHaveAttribute('href', '/account/password#two-factor');
  });
});
