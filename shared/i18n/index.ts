import { en, type Catalogue } from './en';
import { pt } from './pt-PT';

/** Both UI languages, keyed by the contract's locale codes. */
export const catalogues: Record<'en' | 'pt', Catalogue> = { en, pt };

export { en, pt, type Catalogue };
