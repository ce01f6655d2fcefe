import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';

/** One QueryClient for the app. Client errors (4xx) are not retried: they will not fix themselves. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: true,
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
    mutations: { retry: false },
  },
});
