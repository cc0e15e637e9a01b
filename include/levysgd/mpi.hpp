#pragma once
// levysgd over MPI: the studies of levysgd.hpp run across ranks with
// results bitwise equal to one process (mpi/study.hpp). A separate umbrella:
// it needs <mpi.h> and an MPI library, which nothing else in levysgd does.

#include "levysgd.hpp"
#include "mpi/study.hpp"
