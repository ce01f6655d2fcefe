import { useEffect, type ComponentType } from 'react';
import { navigate } from '../../app/router';
import { AgingPage } from './components/aging-page';
import { CollectionsPage } from './components/collections-page';
import { DocumentFormPage } from './components/document-form-page';
import { DocumentPage } from './components/document-page';
import { DocumentsPage } from './components/documents-page';
import { PartiesPage } from './components/parties-page';
import { PartyPage } from './components/party-page';
import { PaymentFormPage } from './components/payment-form-page';
import { PaymentPage } from './components/payment-page';
import { PaymentsPage } from './components/payments-page';
import { APAR, DOCUMENT_BOOKS, PARTY_BOOKS, PAYMENT_BOOKS, type DocumentKind, type PartyKind, type PaymentKind } from './types';

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
