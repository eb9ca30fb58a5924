import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';

/**
 * Actions the view on screen offers to the command registry: the board's "check in the
 * selected card", the queue's "call next". A command with such an action is available
 * only while a view has registered it, so its key does nothing anywhere else.
 */
export interface ViewActions {
  checkIn?: () => void;
  callNext?: () => void;
  recall?: () => void;
  start?: () => void;
  finish?: () => void;
}

export interface ViewActionsRegistry {
  current(): ViewActions;
  register(actions: ViewActions): () => void;
}

export function createViewActionsRegistry(): ViewActionsRegistry {
  // Views can nest (the patient page inside Patients): the newest registration wins per action.
  const stack: ViewActions[] = [];
  return {
    current: () => Object.assign({}, ...stack) as ViewActions,
    register(actions) {
      stack.push(actions);
      return () => {
        const index = stack.indexOf(actions);
        if (index >= 0) stack.splice(index, 1);
      };
    },
  };
}

const ViewActionsContext = createContext<ViewActionsRegistry | null>(null);

export function ViewActionsProvider({ registry, children }: { registry: ViewActionsRegistry; children: ReactNode }) {
  return <ViewActionsContext.Provider value={registry}>{children}</ViewActionsContext.Provider>;
}

/**
 * Offers actions while the calling component is mounted. Which actions exist is read on
 * every render (an action that does not apply is left out); each call runs the latest closure.
 */
export function useViewActions(actions: ViewActions) {
  const registry = useContext(ViewActionsContext);
  const latest = useRef(actions);
  latest.current = actions;
  const names = (Object.keys(actions) as Array<keyof ViewActions>)
    .filter((name) => actions[name])
    .sort()
    .join(',');
  useEffect(() => {
    if (!registry) return undefined;
    const offered: ViewActions = {};
    for (const name of names.split(',').filter(Boolean) as Array<keyof ViewActions>) offered[name] = () => latest.current[name]?.();
    return registry.register(offered);
  }, [registry, names]);
}
