/* First in the transaction that reads the metrics' gauges: no JIT compilation. Their plans are
   estimated far costlier than they run (the horizon of auditSealLag is unknown when planned),
   and compiling them took longer (about 300 ms) than running them (under 20 ms). */
/* @name withoutJit */
SELECT set_config('jit', 'off', true) AS "jit!";
