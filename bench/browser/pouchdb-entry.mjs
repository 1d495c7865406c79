// Bundled by run.mjs into one script for the benchmark page (pouchdb-browser ships modules).
import PouchDB from 'pouchdb-browser';

window.PouchDB = PouchDB;
