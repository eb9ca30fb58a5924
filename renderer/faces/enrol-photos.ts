import { ENROLMENT_PHOTO_COUNT } from '../../shared/faces/faces.contract';
import type { RpcError } from '../transport/rpc-error';

/** One enrolment photo as taken at the desk: the JPEG to send and its preview. */
export interface EnrolPhoto {
  base64: string;
  bytes: number;
}

export interface PhotoProblem {
  photo: number;
  /** The host's reason (no face, several faces, a poor one), when it gave one. */
  reason: string | null;
}

/** The three slots of the capture dialog, which one the next photo goes to, and a refused photo. */
export interface PhotoSlots {
  photos: ReadonlyArray<EnrolPhoto | null>;
  /** The slot the next photo fills; -1 when all three are taken. */
  active: number;
  problem: PhotoProblem | null;
}

export const emptySlots = (): PhotoSlots => ({ photos: Array.from({ length: ENROLMENT_PHOTO_COUNT }, () => null), active: 0, problem: null });

function firstEmpty(photos: ReadonlyArray<EnrolPhoto | null>, from: number): number {
  for (let offset = 0; offset < photos.length; offset++) {
    const index = (from + offset) % photos.length;
    if (!photos[index]) return index;
  }
  return -1;
}

/** Fills the active slot, then moves to the next empty one (after it, wrapping round). */
export function takePhoto(slots: PhotoSlots, photo: EnrolPhoto): PhotoSlots {
  if (slots.active < 0) return slots;
  const photos = slots.photos.map((existing, index) => (index === slots.active ? photo : existing));
  const problem = slots.problem?.photo === slots.active ? null : slots.problem;
  return { photos, active: firstEmpty(photos, slots.active + 1), problem };
}

/** Empties one slot and makes it the next to fill. */
export function retake(slots: PhotoSlots, index: number): PhotoSlots {
  if (index < 0 || index >= slots.photos.length) return slots;
  return {
    photos: slots.photos.map((existing, i) => (i === index ? null : existing)),
    active: index,
    problem: slots.problem?.photo === index ? null : slots.problem,
  };
}

export function isComplete(slots: PhotoSlots): boolean {
  return slots.photos.every((photo) => photo !== null);
}

/** PHOTO_UNUSABLE names the photo (0–2) the host refused, and why. */
export function photoProblemOf(error: RpcError): PhotoProblem | null {
  if (error.code !== 'PHOTO_UNUSABLE') return null;
  const photo = error.details.photo;
  const reason = error.details.reason;
  return {
    photo: typeof photo === 'number' && Number.isInteger(photo) && photo >= 0 && photo < ENROLMENT_PHOTO_COUNT ? photo : -1,
    reason: typeof reason === 'string' ? reason : null,
  };
}

/** After a refusal: the refused photo is taken again next (kept on screen, marked, until then). */
export function markProblem(slots: PhotoSlots, problem: PhotoProblem): PhotoSlots {
  return { ...slots, problem, active: problem.photo >= 0 ? problem.photo : slots.active };
}

/**
 * The slots after the host refused the photos: the refused one marked (PHOTO_UNUSABLE), or
 * all three emptied for new photos (PHOTOS_NOT_SAME_PERSON: they are not of one person);
 * null when the refusal is not about the photos (the error is shown as it is).
 */
export function slotsAfterRefusal(slots: PhotoSlots, error: RpcError): PhotoSlots | null {
  if (error.code === 'PHOTOS_NOT_SAME_PERSON') return emptySlots();
  const problem = photoProblemOf(error);
  return problem ? markProblem(slots, problem) : null;
}
