import type { AparDeps } from './service/context';
import { addContact, createParty, getParty, listParties, listPartySummaries } from './service/parties';
import { createDocument, getDocument, listDocuments } from './service/documents';
import { allocatePayment, applyCredit, getPayment, listPayments, recordPayment } from './service/payments';
import { writeOff } from './service/write-off';
import { aging, agingFold, getSettings, saveSettings, statement } from './service/reports';
import { decideBill, getBillApproval, submitBill } from './service/bill-approval';
import { collections, documentTimeline, partyTimeline, recordActivity } from './service/collections';
import { createSavedView, deleteSavedView, listSavedViews, updateSavedView } from './service/saved-views';
import { exportAging, exportDocuments, statementPdf } from './service/exports';
import { editDocument } from './service/edit-document';
import { sendInvoice } from './service/send-invoice';

export type { AparDeps, Caller, Imposed, Listed } from './service/context';

type Bound<F> = F extends (deps: AparDeps, ...args: infer A) => infer R ? (...args: A) => R : never;
const bind =
  <A extends unknown[], R>(deps: AparDeps, fn: (deps: AparDeps, ...args: A) => R) =>
  (...args: A): R =>
    fn(deps, ...args);

/** The AP/AR use cases bound to their dependencies; every method takes the caller first. */
export function createAparService(deps: AparDeps) {
  return {
    createParty: bind(deps, createParty) as Bound<typeof createParty>,
    getParty: bind(deps, getParty) as Bound<typeof getParty>,
    listParties: bind(deps, listParties) as Bound<typeof listParties>,
    listPartySummaries: bind(deps, listPartySummaries) as Bound<typeof listPartySummaries>,
    addContact: bind(deps, addContact) as Bound<typeof addContact>,
    createDocument: bind(deps, createDocument) as Bound<typeof createDocument>,
    getDocument: bind(deps, getDocument) as Bound<typeof getDocument>,
    listDocuments: bind(deps, listDocuments) as Bound<typeof listDocuments>,
    recordPayment: bind(deps, recordPayment) as Bound<typeof recordPayment>,
    allocatePayment: bind(deps, allocatePayment) as Bound<typeof allocatePayment>,
    applyCredit: bind(deps, applyCredit) as Bound<typeof applyCredit>,
    getPayment: bind(deps, getPayment) as Bound<typeof getPayment>,
    listPayments: bind(deps, listPayments) as Bound<typeof listPayments>,
    writeOff: bind(deps, writeOff) as Bound<typeof writeOff>,
    aging: bind(deps, aging) as Bound<typeof aging>,
    agingFold: bind(deps, agingFold) as Bound<typeof agingFold>,
    statement: bind(deps, statement) as Bound<typeof statement>,
    getSettings: bind(deps, getSettings) as Bound<typeof getSettings>,
    saveSettings: bind(deps, saveSettings) as Bound<typeof saveSettings>,
    editDocument: bind(deps, editDocument) as Bound<typeof editDocument>,
    sendInvoice: bind(deps, sendInvoice) as Bound<typeof sendInvoice>,
    submitBill: bind(deps, submitBill) as Bound<typeof submitBill>,
    getBillApproval: bind(deps, getBillApproval) as Bound<typeof getBillApproval>,
    decideBill: bind(deps, decideBill) as Bound<typeof decideBill>,
    recordActivity: bind(deps, recordActivity) as Bound<typeof recordActivity>,
    partyTimeline: bind(deps, partyTimeline) as Bound<typeof partyTimeline>,
    documentTimeline: bind(deps, documentTimeline) as Bound<typeof documentTimeline>,
    collections: bind(deps, collections) as Bound<typeof collections>,
    listSavedViews: bind(deps, listSavedViews) as Bound<typeof listSavedViews>,
    createSavedView: bind(deps, createSavedView) as Bound<typeof createSavedView>,
    updateSavedView: bind(deps, updateSavedView) as Bound<typeof updateSavedView>,
    deleteSavedView: bind(deps, deleteSavedView) as Bound<typeof deleteSavedView>,
    exportDocuments: bind(deps, exportDocuments) as Bound<typeof exportDocuments>,
    exportAging: bind(deps, exportAging) as Bound<typeof exportAging>,
    statementPdf: bind(deps, statementPdf) as Bound<typeof statementPdf>,
  };
}

export type AparService = ReturnType<typeof createAparService>;
