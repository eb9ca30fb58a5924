import { useState } from 'react';
import { useStore } from 'zustand';
import { useTransport } from '../stores/stores';
import { createAuditStore } from './audit.store';

/** A store of the audit log's entries for one view, and what both views read of it. */
export function useAuditLog() {
  const transport = useTransport();
  const [store] = useState(() => createAuditStore(transport));
  return {
    store,
    entries: useStore(store, (state) => state.entries),
    status: useStore(store, (state) => state.status),
    next: useStore(store, (state) => state.next),
    isLoadingMore: useStore(store, (state) => state.isLoadingMore),
    error: useStore(store, (state) => state.error),
    isExporting: useStore(store, (state) => state.isExporting),
  };
}
