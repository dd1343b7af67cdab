# The CUDA libraries uflow links: the runtime from the CUDA toolkit; cuBLAS and cuDNN from the
# toolkit or from the pip wheels that PyTorch installs (nvidia-cublas: <site-packages>/nvidia/cu13,
# nvidia-cudnn-cu13: <site-packages>/nvidia/cudnn). The wheels' lib/ folders hold only the
# versioned names (libcublas.so.13, libcudnn.so.9), so those are searched for by name too.
#
# UFLOW_CUBLAS_ROOT, UFLOW_CUDNN_ROOT: a folder with include/ and lib/ (such a wheel folder).
# When one is set, that library is taken from there alone and never from the toolkit, so that
# a build can pin the copy that is also loaded at run time.
set(UFLOW_CUBLAS_ROOT "" CACHE PATH
  "Folder with include/cublas_v2.h and lib/libcublas.so.13; empty: the CUDA toolkit's")
set(UFLOW_CUDNN_ROOT "" CACHE PATH
  "Folder with include/cudnn.h and lib/libcudnn.so.9; empty: the CUDA toolkit's")

set(UFLOW_CUDA_LIBRARY_INCLUDE_DIRS "")

# A result cached by an earlier configure that lies outside the root now given is searched again.
function(uflow_forget_outside root)
  foreach(var ${ARGN})
    if(root AND ${var})
      string(FIND "${${var}}" "${root}/" at)
      if(NOT at EQUAL 0)
        unset(${var} CACHE)
      endif()
    endif()
  endforeach()
endfunction()
uflow_forget_outside("${UFLOW_CUBLAS_ROOT}" CUDA_cublas_LIBRARY CUDA_cublasLt_LIBRARY
  UFLOW_CUBLAS_INCLUDE_DIR)
uflow_forget_outside("${UFLOW_CUDNN_ROOT}" CUDNN_LIBRARY CUDNN_INCLUDE_DIR)

# FindCUDAToolkit makes CUDA::cublas from the cache variables CUDA_cublas_LIBRARY and
# CUDA_cublasLt_LIBRARY and searches only where they are unset: setting them first points it
# at the root.
if(UFLOW_CUBLAS_ROOT)
  foreach(lib cublas cublasLt)
    find_library(CUDA_${lib}_LIBRARY NAMES ${lib} lib${lib}.so.13
      PATHS ${UFLOW_CUBLAS_ROOT}/lib ${UFLOW_CUBLAS_ROOT}/lib64 NO_DEFAULT_PATH)
    if(NOT CUDA_${lib}_LIBRARY)
      message(FATAL_ERROR "UFLOW_CUBLAS_ROOT=${UFLOW_CUBLAS_ROOT}: no lib${lib}.so or "
        "lib${lib}.so.13 in its lib/ or lib64/")
    endif()
  endforeach()
  find_path(UFLOW_CUBLAS_INCLUDE_DIR cublas_v2.h PATHS ${UFLOW_CUBLAS_ROOT}/include NO_DEFAULT_PATH)
  if(NOT UFLOW_CUBLAS_INCLUDE_DIR)
    message(FATAL_ERROR "UFLOW_CUBLAS_ROOT=${UFLOW_CUBLAS_ROOT}: no include/cublas_v2.h")
  endif()
  list(APPEND UFLOW_CUDA_LIBRARY_INCLUDE_DIRS ${UFLOW_CUBLAS_INCLUDE_DIR})
endif()

find_package(CUDAToolkit REQUIRED)
if(NOT TARGET CUDA::cublas)
  message(FATAL_ERROR "cuBLAS is not in the CUDA toolkit (${CUDAToolkit_LIBRARY_DIR}); set "
    "UFLOW_CUBLAS_ROOT to a folder with include/ and lib/libcublas.so.13, such as the "
    "nvidia-cublas wheel's <site-packages>/nvidia/cu13")
endif()

if(UFLOW_CUDNN_ROOT)
  set(cudnn_where PATHS ${UFLOW_CUDNN_ROOT}/lib ${UFLOW_CUDNN_ROOT}/lib64 NO_DEFAULT_PATH)
  set(cudnn_include_where PATHS ${UFLOW_CUDNN_ROOT}/include NO_DEFAULT_PATH)
  set(cudnn_origin "UFLOW_CUDNN_ROOT=${UFLOW_CUDNN_ROOT}")
else()
  set(cudnn_where HINTS ${CUDAToolkit_LIBRARY_DIR})
  set(cudnn_include_where HINTS ${CUDAToolkit_INCLUDE_DIRS})
  set(cudnn_origin "the CUDA toolkit (${CUDAToolkit_LIBRARY_DIR}) or the system")
endif()
# tensor/ links CUDNN_LIBRARY; found here, its own search there has nothing left to do.
find_library(CUDNN_LIBRARY NAMES cudnn libcudnn.so.9 ${cudnn_where})
find_path(CUDNN_INCLUDE_DIR cudnn.h ${cudnn_include_where})
if(NOT CUDNN_LIBRARY OR NOT CUDNN_INCLUDE_DIR)
  message(FATAL_ERROR "cuDNN (include/cudnn.h and lib/libcudnn.so.9) not found in "
    "${cudnn_origin}; set UFLOW_CUDNN_ROOT to a folder that has them, such as the "
    "nvidia-cudnn-cu13 wheel's <site-packages>/nvidia/cudnn")
endif()
list(APPEND UFLOW_CUDA_LIBRARY_INCLUDE_DIRS ${CUDNN_INCLUDE_DIR})
message(STATUS "uflow: cuBLAS ${CUDA_cublas_LIBRARY}")
message(STATUS "uflow: cuDNN ${CUDNN_LIBRARY} (headers ${CUDNN_INCLUDE_DIR})")

# Plain -I ahead of everything else: the headers must match the library that is linked, also
# where the toolkit has a copy of its own, which nvcc would otherwise find first.
list(REMOVE_DUPLICATES UFLOW_CUDA_LIBRARY_INCLUDE_DIRS)
list(REMOVE_ITEM UFLOW_CUDA_LIBRARY_INCLUDE_DIRS ${CUDAToolkit_INCLUDE_DIRS})
if(UFLOW_CUDA_LIBRARY_INCLUDE_DIRS)
  include_directories(BEFORE ${UFLOW_CUDA_LIBRARY_INCLUDE_DIRS})
endif()
