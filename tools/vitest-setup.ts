// tsyringe needs the Reflect metadata API before any decorated class is loaded.
import 'reflect-metadata';
