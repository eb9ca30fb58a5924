import { hostname } from 'node:os';
import { AppError } from '../../shared/contract/errors';
import { CloudHttp, CloudRequestError } from '../sync/cloud-http';
import type { Joiner } from '../sync/sync.module';
import { cloudUnavailable } from '../sync/sync-join';

/**
 * The join code for this desk's own token (POST /v1/join, no token). A refused code is
 * JOIN_CODE_INVALID whatever the reason (the cloud does not say); a cloud that wants us to
 * wait is RATE_LIMITED; one that cannot be reached is CLOUD_UNAVAILABLE.
 */
export async function redeemJoinCode(joiner: Joiner, cloudUrl: string, code: string): Promise<string> {
  const http = new CloudHttp({ baseUrl: cloudUrl, token: '', ...joiner.http });
  try {
    return (await http.join({ code, deskName: hostname().slice(0, 100) || 'desk' })).token;
  } catch (error) {
    if (!(error instanceof CloudRequestError)) throw error;
    if (error.status === 403 || error.status === 401) {
      throw new AppError('JOIN_CODE_INVALID', 'The cloud did not accept this join code: it may be mistyped, used already or expired. Make a new one.');
    }
    if (error.status === 429) {
      const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 60_000) / 1000));
      throw new AppError('RATE_LIMITED', `Too many wrong join codes; try again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
    throw cloudUnavailable(error, 'The cloud could not be asked to let this desk join');
  }
}

/**
 * The code for a token, the token kept, then the first full pull, so that the clinic is here
 * when this returns. Nothing is written when the code is refused or the cloud cannot be
 * reached; when the pull fails after the code was used, the token is kept and a second call
 * with the same URL finishes the join without a new code.
 */
export async function fetchClinic(joiner: Joiner, cloudUrl: string, code: string): Promise<void> {
  if (!(await joiner.isUnfinished(cloudUrl))) {
    const problem = joiner.secretProblem();
    // Before the code is spent: a token this desk could not keep would be wasted with it.
    if (problem !== null) throw new AppError('SECURE_STORAGE_UNAVAILABLE', 'This computer cannot store the clinic’s token encrypted.', { reason: problem });
    const token = await redeemJoinCode(joiner, cloudUrl, code);
    await joiner.keepToken(cloudUrl, token);
  }
  await joiner.firstPull();
}
