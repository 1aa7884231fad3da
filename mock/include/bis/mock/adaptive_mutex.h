#pragma once
// A mutex that spins briefly before sleeping (glibc's adaptive mutex). Service holds its lock
// for about a microsecond per request; with dozens of connection threads on a few cores, a
// waiter that goes to sleep at once costs two context switches for a wait that would have
// ended a few hundred cycles later. Satisfies Lockable; not recursive.
#include <pthread.h>

namespace bis::mock {

class AdaptiveMutex {
 public:
  AdaptiveMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&m_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~AdaptiveMutex() { pthread_mutex_destroy(&m_); }
  AdaptiveMutex(const AdaptiveMutex&) = delete;
  AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;

  void lock() { pthread_mutex_lock(&m_); }
  bool try_lock() { return pthread_mutex_trylock(&m_) == 0; }
  void unlock() { pthread_mutex_unlock(&m_); }

 private:
  pthread_mutex_t m_;
};

}  // namespace bis::mock
