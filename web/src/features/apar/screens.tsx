import { lazy, useEffect, type ComponentType } from 'react';
import { navigate } from '../../app/router';
import { APAR, DOCUMENT_BOOKS, PARTY_BOOKS, PAYMENT_BOOKS, type DocumentKind, type PartyKind, type PaymentKind } from './types';

// Route-level code splitting: each AP/AR screen is its own chunk, loaded when first opened.
const AgingPage = lazy(() => import('./components/aging-page').then((m) => ({ default: m.AgingPage })));
const CollectionsPage = lazy(() => import('./components/collections-page').then((m) => ({ default: m.CollectionsPage })));
const DocumentFormPage = lazy(() => import('./components/document-form-page').then((m) => ({ default: m.DocumentFormPage })));
const DocumentPage = lazy(() => import('./components/document-page').then((m) => ({ default: m.DocumentPage })));
const DocumentsPage = lazy(() => import('./components/documents-page').then((m) => ({ default: m.DocumentsPage })));
const PartiesPage = lazy(() => import('./components/parties-page').then((m) => ({ default: m.PartiesPage })));
const PartyPage = lazy(() => import('./components/party-page').then((m) => ({ default: m.PartyPage })));
const PaymentFormPage = lazy(() => import('./components/payment-form-page').then((m) => ({ default: m.PaymentFormPage })));
const PaymentPage = lazy(() => import('./components/payment-page').then((m) => ({ default: m.PaymentPage })));
const PaymentsPage = lazy(() => import('./components/payments-page').then((m) => ({ default: m.PaymentsPage })));

type Screen = { path: string; label?: string; permission: string; component: ComponentType<{ params: Record<string, string> }> };

const documentPage =
  (kind: DocumentKind): Screen['component'] =>
  ({ params }) => <DocumentPage key={params.id} kind={kind} id={Number(params.id)} />;

function AparHome() {
  useEffect(() => navigate(`${APAR}/invoices`, { replace: true }), []);
  return null;
}

/**
 * The AP/AR screens for the app's route table: one top-bar item ("AP/AR") and the section's own
 * tabs. `…/new` comes before `…/:id` (the router takes the first match). `pages` replaces a detail
 * page by one web/src/app composes with another feature (a bill with its approval).
 */
export const aparScreens = (pages: Partial<Record<DocumentKind, Screen['component']>> = {}): Screen[] => [
  { path: APAR, label: 'AP/AR', permission: 'apar.read', component: AparHome },
  { path: `${APAR}/aging`, permission: 'apar.read', component: AgingPage },
  { path: `${APAR}/collections`, permission: 'apar.read', component: CollectionsPage },
  ...(Object.keys(PARTY_BOOKS) as PartyKind[]).flatMap((kind): Screen[] => [
    { path: `${APAR}/${PARTY_BOOKS[kind].path}`, permission: 'apar.read', component: () => <PartiesPage kind={kind} /> },
    { path: `${APAR}/${PARTY_BOOKS[kind].path}/:id`, permission: 'apar.read', component: ({ params }) => <PartyPage key={params.id} kind={kind} id={Number(params.id)} /> },
  ]),
  ...(Object.keys(DOCUMENT_BOOKS) as DocumentKind[]).flatMap((kind): Screen[] => [
    { path: `${APAR}/${DOCUMENT_BOOKS[kind].path}`, permission: 'apar.read', component: () => <DocumentsPage key={kind} kind={kind} /> },
    { path: `${APAR}/${DOCUMENT_BOOKS[kind].path}/new`, permission: 'apar.write', component: () => <DocumentFormPage key={kind} kind={kind} /> },
    { path: `${APAR}/${DOCUMENT_BOOKS[kind].path}/:id`, permission: 'apar.read', component: pages[kind] ?? documentPage(kind) },
  ]),
  ...(Object.keys(PAYMENT_BOOKS) as PaymentKind[]).flatMap((kind): Screen[] => [
    { path: `${APAR}/${PAYMENT_BOOKS[kind].path}`, permission: 'apar.read', component: () => <PaymentsPage key={kind} kind={kind} /> },
    { path: `${APAR}/${PAYMENT_BOOKS[kind].path}/new`, permission: 'apar.write', component: () => <PaymentFormPage key={kind} kind={kind} /> },
    { path: `${APAR}/${PAYMENT_BOOKS[kind].path}/:id`, permission: 'apar.read', component: ({ params }) => <PaymentPage key={params.id} kind={kind} id={Number(params.id)} /> },
  ]),
];
