/** Sentences about change requests and the scheduler that applies them. */
import { type Ctx, type Describe, type Part, quote, short, str } from '../parts';

/** Change request “Turn on checkout”, or "a change request" when the record has no title. */
function request(c: Ctx): string {
  const title = str(c.after, 'title') ?? str(c.before, 'title') ?? c.e.request?.title;
  return title ? `change request ${quote(title)}` : 'a change request';
}

const did = (verb: string, tail = ''): Describe => (c) => [`${verb} ${request(c)}${tail}`];

function failed(scheduled: boolean): Describe {
  return (c) => {
    const problem = str(c.after, 'problem');
    const what = scheduled ? `the scheduled ${request(c).replace(/^a /, '')}` : request(c);
    return [`could not apply ${what}${problem ? `: ${problem}` : ''}`];
  };
}

function comment(c: Ctx): Part[] {
  const text = str(c.after, 'comment');
  return [`commented on ${request(c)}${text ? `: ${quote(short(text.replace(/\s+/g, ' ')))}` : ''}`];
}

export const REQUEST_SENTENCES: Record<string, Describe> = {
  'change_request.open': did('opened'),
  'change_request.edit': did('edited'),
  'change_request.refresh': did('refreshed', ' against what is stored now'),
  'change_request.approve': did('approved'),
  'change_request.reject': did('rejected'),
  'change_request.withdraw': did('withdrew'),
  'change_request.comment': comment,
  'change_request.apply': did('applied'),
  'change_request.conflict': failed(false),
  'schedule.apply': did('applied', ' at its scheduled time'),
  'schedule.fail': failed(true),
};
