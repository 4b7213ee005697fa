/** The controller's decisions: validates commands against an image and computes records and results. Pure, no I/O. */
package io.skein.replication.controller;
