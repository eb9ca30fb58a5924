import type { DisplayCall } from '../../shared/display/display.contract';
import { pickVoice, speechLang } from './announcement';

declare global {
  interface Window {
    /**
     * Every announcement text handed to speech synthesis, in order. Harmless in production;
     * lets end-to-end tests assert what the waiting room heard.
     */
    __frontDeskAnnouncements?: string[];
  }
}

export interface Announcer {
  /** Chime, then the spoken call. Calls that arrive together are announced one after another. */
  announce(call: DisplayCall, text: string): void;
  /** False until the browser allows sound (a click on the page, or an app window with autoplay allowed). */
  isSoundEnabled(): boolean;
  onSoundChange(listener: (isEnabled: boolean) => void): () => void;
  /** From a click or key press: unlocks audio and speech. */
  enableSound(): void;
  dispose(): void;
}

const CHIME_LEAD_S = 0.05;
// The second tone starts while the first still rings: a soft "ding-dong", not two beeps.
const CHIME_NOTES = [
  { frequency: 659.25, at: 0 }, // E5
  { frequency: 523.25, at: 0.45 }, // C5
];
const CHIME_SPEECH_GAP_MS = 1_350;
const SPEECH_TIMEOUT_MS = 12_000;

/** Plays the two-tone chime, generated (no audio file), at a calm level. */
function playChime(context: AudioContext): void {
  const start = context.currentTime + CHIME_LEAD_S;
  const master = context.createGain();
  master.gain.value = 0.22;
  master.connect(context.destination);
  for (const note of CHIME_NOTES) {
    // A sine with two faint overtones sounds like a bell rather than a test tone.
    for (const [multiple, level, decay] of [
      [1, 1, 1.6],
      [2, 0.16, 0.9],
      [3, 0.05, 0.5],
    ] as const) {
      const at = start + note.at;
      const oscillator = context.createOscillator();
      oscillator.type = 'sine';
      oscillator.frequency.value = note.frequency * multiple;
      const envelope = context.createGain();
      envelope.gain.setValueAtTime(0.0001, at);
      envelope.gain.exponentialRampToValueAtTime(level, at + 0.012);
      envelope.gain.exponentialRampToValueAtTime(0.0001, at + decay);
      oscillator.connect(envelope).connect(master);
      oscillator.start(at);
      oscillator.stop(at + decay + 0.05);
    }
  }
}

export function createAnnouncer(): Announcer {
  const record = (window.__frontDeskAnnouncements ??= []);
  const listeners = new Set<(isEnabled: boolean) => void>();
  const AudioContextClass = window.AudioContext ?? (window as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  const context = AudioContextClass ? new AudioContextClass() : null;
  const synth = 'speechSynthesis' in window ? window.speechSynthesis : null;
  const queue: Array<{ call: DisplayCall; text: string }> = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let isBusy = false;
  let isDisposed = false;
  let voices: SpeechSynthesisVoice[] = synth?.getVoices() ?? [];

  const later = (fn: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!isDisposed) fn();
    }, ms);
    timers.add(timer);
  };

  const isEnabled = () => context?.state === 'running';
  const notify = () => {
    for (const listener of listeners) listener(isEnabled());
  };
  if (context) context.onstatechange = notify;
  // Where autoplay is allowed (the app's own display window) this starts the audio at once;
  // in a browser it stays suspended until a click.
  void context?.resume().catch(() => undefined);

  const onVoicesChanged = () => {
    voices = synth?.getVoices() ?? [];
  };
  synth?.addEventListener?.('voiceschanged', onVoicesChanged);

  const speak = (call: DisplayCall, text: string, done: () => void) => {
    record.push(text);
    if (!synth) {
      done();
      return;
    }
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = speechLang(call.language);
    const voice = pickVoice(voices, call.language);
    if (voice) utterance.voice = voice;
    utterance.rate = 0.9;
    let isDone = false;
    const finish = () => {
      if (isDone) return;
      isDone = true;
      done();
    };
    utterance.onend = finish;
    utterance.onerror = finish;
    // Some engines never report the end (no voice installed, audio blocked): move on anyway.
    later(finish, SPEECH_TIMEOUT_MS);
    synth.speak(utterance);
  };

  const next = () => {
    const item = queue.shift();
    if (!item) {
      isBusy = false;
      return;
    }
    isBusy = true;
    const afterSpeech = () => later(next, 400);
    if (context && isEnabled()) {
      try {
        playChime(context);
      } catch {
        // No chime is better than no announcement.
      }
      later(() => speak(item.call, item.text, afterSpeech), CHIME_SPEECH_GAP_MS);
    } else {
      speak(item.call, item.text, afterSpeech);
    }
  };

  return {
    announce(call, text) {
      if (isDisposed) return;
      queue.push({ call, text });
      // After the screen has drawn the call: the DOM update never waits for the audio.
      if (!isBusy) {
        isBusy = true;
        later(next, 0);
      }
    },
    isSoundEnabled: isEnabled,
    onSoundChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    enableSound() {
      void context?.resume().then(notify, () => undefined);
      if (synth) {
        // Speech, too, needs a first utterance inside a user gesture before it may speak on its own.
        const warmUp = new SpeechSynthesisUtterance(' ');
        warmUp.volume = 0;
        synth.speak(warmUp);
      }
    },
    dispose() {
      isDisposed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      listeners.clear();
      synth?.removeEventListener?.('voiceschanged', onVoicesChanged);
      synth?.cancel();
      void context?.close().catch(() => undefined);
    },
  };
}
