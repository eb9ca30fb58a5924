import { describe, expect, it } from 'vitest';
import { RpcError } from '../transport/rpc-error';
import { cameraProblemOf } from './camera';
import { emptySlots, isComplete, markProblem, photoProblemOf, retake, takePhoto } from './enrol-photos';

const photo = (name: string) => ({ base64: name, bytes: name.length });

describe('the three enrolment photos', () => {
  it('fills the slots in order, then retakes one and comes back to it', () => {
    let slots = emptySlots();
    slots = takePhoto(slots, photo('a'));
    slots = takePhoto(slots, photo('b'));
    expect(isComplete(slots)).toBe(false);
    slots = takePhoto(slots, photo('c'));
    expect(isComplete(slots)).toBe(true);
    expect(slots.active).toBe(-1);
    expect(takePhoto(slots, photo('d'))).toBe(slots);

    slots = retake(slots, 1);
    expect(slots.active).toBe(1);
    expect(slots.photos.map((p) => p?.base64 ?? null)).toEqual(['a', null, 'c']);
    slots = takePhoto(slots, photo('B'));
    expect(slots.photos.map((p) => p?.base64)).toEqual(['a', 'B', 'c']);
  });

  it('marks the photo the host refused, and clears the mark once it is taken again', () => {
    const error = new RpcError('PHOTO_UNUSABLE', 'no face', { photo: 2, reason: 'noFace' });
    const problem = photoProblemOf(error)!;
    expect(problem).toEqual({ photo: 2, reason: 'noFace' });
    let slots = [photo('a'), photo('b'), photo('c')].reduce(takePhoto, emptySlots());
    slots = markProblem(slots, problem);
    expect(slots.active).toBe(2);
    expect(slots.photos[2]).not.toBeNull();
    slots = takePhoto(slots, photo('C'));
    expect(slots.problem).toBeNull();
    expect(slots.photos[2]?.base64).toBe('C');
  });

  it('reads only what PHOTO_UNUSABLE says, and nothing from other errors', () => {
    expect(photoProblemOf(new RpcError('PHOTO_UNUSABLE', 'x', { photo: 7 }))).toEqual({ photo: -1, reason: null });
    expect(photoProblemOf(new RpcError('CLOUD_UNAVAILABLE', 'x', { photo: 1 }))).toBeNull();
  });

  it('names what went wrong with the camera', () => {
    expect(cameraProblemOf({ name: 'NotAllowedError' })).toBe('denied');
    expect(cameraProblemOf({ name: 'NotFoundError' })).toBe('unavailable');
    expect(cameraProblemOf({ name: 'NotReadableError' })).toBe('inUse');
    expect(cameraProblemOf(new Error('whatever'))).toBe('unavailable');
  });
});
