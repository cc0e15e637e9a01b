#pragma once
// SDE integrators, the path runner and the studies built on it: the sde/
// topic in one include.
//
//   concepts.hpp      plug-in points (Potential, NoiseModel, Integrator,
//                     Domain, PathObserver) and their batch (SIMD) forms
//   potentials.hpp    quadratic, polynomial_well / double_well, ackley,
//                     styblinski_tang
//   noise_source.hpp  noise_source_base: stream rule, buffering, scheduler
//   noise.hpp         gaussian_noise, hessian_noise, stable_noise, mixture_noise
//   scheduler.hpp     learning-rate schedulers s(t)
//   integrators.hpp   euler, tamed_euler, implicit_euler, sgd_recursion
//   domains.hpp       interval, box, ball, loss_threshold, basin classifiers
//   paths.hpp         run_paths, run_options, takes_simd_path
//   statistics.hpp    estimate, Wilson interval, moments
//   escape.hpp        escape_study (escape_observer)
//   transition.hpp    transition_study (transition_observer)
//   simulate.hpp      simulate_paths (final_state_observer)
//   serialize.hpp     byte_writer / byte_reader, SavableObserver, study_file_error
//   study.hpp         study plans: run_study (checkpoints), run_shard, merge_shards

#include "concepts.hpp"
#include "domains.hpp"
#include "escape.hpp"
#include "integrators.hpp"
#include "noise.hpp"
#include "noise_source.hpp"
#include "paths.hpp"
#include "potentials.hpp"
#include "scheduler.hpp"
#include "serialize.hpp"
#include "simulate.hpp"
#include "statistics.hpp"
#include "study.hpp"
#include "transition.hpp"
